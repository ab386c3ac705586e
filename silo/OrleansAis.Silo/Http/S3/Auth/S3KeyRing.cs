using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansAis.Persistence;
using OrleansAis.Silo.Configuration;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.S3.Auth;

/// <summary>
/// The access keys S3 requests may be signed with: <see cref="S3Options.Credentials"/> when configured; otherwise one
/// key pair generated on the first start and kept in <see cref="FileName"/> in the cluster-state folder, which every
/// silo of a one-machine cluster shares, so they all accept the same key (a request proxied to its owner is verified
/// again there). Anonymous access is off by default, so a silo started with no settings must tell its user a key:
/// it logs the pair when it starts.
/// </summary>
public sealed partial class S3KeyRing : IHostedService
{
    public const string FileName = "s3-credentials.json";
    private const string AccessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+";

    private readonly ILogger<S3KeyRing> _log;
    private readonly Dictionary<string, string> _secrets;

    public S3KeyRing(IOptions<S3Options> s3, IOptions<StoreOptions> store, IOptions<FileGrainStorageOptions> state,
        IOptions<SiloHostOptions> host, ILogger<S3KeyRing> log)
    {
        _log = log;
        var configured = s3.Value.Credentials;
        if (configured.Count > 0)
        {
            _secrets = configured.ToDictionary(c => c.AccessKey, c => c.SecretKey, StringComparer.Ordinal);
            return;
        }
        _secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        // Silos on several machines do not share a cluster-state folder: each would make up a key of its own, and a
        // request signed with one silo's key would fail on the owner it is proxied to. Such clusters configure keys.
        if (host.Value.Clustering == ClusteringMode.Redis) return;
        GeneratedFile = Path.GetFullPath(Path.Combine(state.Value.Directory ?? Path.Combine(store.Value.DataDirectory, "cluster-state"), FileName));
        Generated = LoadOrCreate(GeneratedFile);
        _secrets[Generated.AccessKey] = Generated.SecretKey;
    }

    /// <summary>The generated pair (null when keys are configured, or on Redis clustering).</summary>
    public S3Credential? Generated { get; }

    /// <summary>Where <see cref="Generated"/> is kept.</summary>
    public string? GeneratedFile { get; }

    /// <summary>The secret of <paramref name="accessKey"/>; null for a key this cluster does not have.</summary>
    public string? SecretOf(string accessKey) => _secrets.GetValueOrDefault(accessKey);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Generated is { } key) LogGenerated(GeneratedFile!, key.AccessKey, key.SecretKey);
        else if (_secrets.Count == 0) LogNoKeys();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Reads the kept pair, or writes a new one; of silos starting at once, the first to create the file wins.</summary>
    private static S3Credential LoadOrCreate(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (File.Exists(path))
            {
                var kept = JsonSerializer.Deserialize<KeptPair>(File.ReadAllBytes(path));
                if (kept is { AccessKey.Length: > 0, SecretKey.Length: > 0 }) return new S3Credential { AccessKey = kept.AccessKey, SecretKey = kept.SecretKey };
                throw new InvalidDataException($"{path} holds no access_key and secret_key; delete it to have a new pair generated");
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var pair = new KeptPair(
                "OAIS" + RandomNumberGenerator.GetString(AccessKeyAlphabet, 16), RandomNumberGenerator.GetString(SecretAlphabet, 40));
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // a secret
            using (var file = new FileStream(temp, options))
            {
                JsonSerializer.Serialize(file, pair);
                file.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path) && attempt < 3)
            {
                File.Delete(temp); // another silo wrote it first: use theirs
            }
        }
    }

    private sealed record KeptPair(
        [property: System.Text.Json.Serialization.JsonPropertyName("access_key")] string AccessKey,
        [property: System.Text.Json.Serialization.JsonPropertyName("secret_key")] string SecretKey);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "S3 API: no S3:Credentials are configured and anonymous access is off; sign S3 requests with the key pair kept in {File}: " +
        "AWS_ACCESS_KEY_ID={AccessKey} AWS_SECRET_ACCESS_KEY={SecretKey}")]
    private partial void LogGenerated(string file, string accessKey, string secretKey);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "S3 API: no S3:Credentials are configured (Redis clustering generates none: every silo must know the same keys); " +
        "signed S3 requests will be refused")]
    private partial void LogNoKeys();
}
