using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansAis.Hosting;

namespace OrleansAis.Persistence;

/// <summary>Options of <see cref="FileGrainStorage"/>. Bound from the "ClusterState" configuration section.</summary>
public sealed class FileGrainStorageOptions
{
    public const string Section = "ClusterState";

    /// <summary>
    /// Folder for cluster-wide grain state (the bucket registry, later the ETL registry). Every silo of the cluster must
    /// see the same folder (one machine, or a shared mount); multi-machine clusters use Redis grain storage instead.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>What is wrong with these settings, each naming its configuration key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (Directory is not null && string.IsNullOrWhiteSpace(Directory))
            yield return $"{Section}:Directory is empty; leave it unset for the cluster-state folder under Store:DataDirectory";
    }

    /// <summary>Refuses to start a silo with unusable ClusterState settings.</summary>
    public sealed class Validator : IValidateOptions<FileGrainStorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, FileGrainStorageOptions options) => OptionsValidation.Result(options.Problems());
    }
}

/// <summary>
/// Grain storage in local files: one file per grain state, written to a temp file, fsynced and renamed;
/// an ETag (a version counter stored in the file) guards against lost updates.
/// </summary>
public sealed class FileGrainStorage(string directory, Serializer serializer) : IGrainStorage
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public static FileGrainStorage Create(IServiceProvider services, string directory) =>
        new(directory, services.GetRequiredService<Serializer>());

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        var (etag, state) = Decode<T>(await File.ReadAllBytesAsync(path));
        grainState.State = state;
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        await _gate.WaitAsync();
        try
        {
            var current = File.Exists(path) ? Decode<T>(await File.ReadAllBytesAsync(path)).ETag : null;
            if (current != grainState.ETag)
                throw new InconsistentStateException($"state '{stateName}' of {grainId} changed on disk", current, grainState.ETag);
            var etag = ((long.TryParse(current, out var n) ? n : 0) + 1).ToString();
            var body = serializer.SerializeToArray(grainState.State);
            var temp = path + ".tmp";
            await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                var header = Encoding.ASCII.GetBytes(etag + "\n");
                await file.WriteAsync(header);
                await file.WriteAsync(body);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        File.Delete(PathOf(stateName, grainId));
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    private (string ETag, T State) Decode<T>(byte[] bytes)
    {
        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (newline <= 0) throw new InvalidDataException("grain state file has no etag header");
        return (Encoding.ASCII.GetString(bytes, 0, newline), serializer.Deserialize<T>(bytes.AsMemory(newline + 1))!);
    }

    private string PathOf(string stateName, GrainId grainId)
    {
        var folder = Path.Combine(directory, stateName);
        System.IO.Directory.CreateDirectory(folder);
        // Grain ids may hold any characters; hex of the UTF-8 bytes is a safe, reversible file name.
        return Path.Combine(folder, Convert.ToHexString(Encoding.UTF8.GetBytes(grainId.ToString())) + ".state");
    }
}
