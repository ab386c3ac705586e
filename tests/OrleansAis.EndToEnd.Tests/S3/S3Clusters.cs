using Amazon.Runtime;
using Amazon.S3;
using OrleansAis.EndToEnd.Tests.Infrastructure;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>Silos with one S3 access key configured; clients are the official AWS SDK, path-style, signing for us-east-1.</summary>
public class S3Cluster : SiloCluster
{
    public const string AccessKey = "OAISTESTACCESSKEY";
    public const string SecretKey = "oais/test+secret-key";

    public S3Cluster() : this(1) { }

    protected S3Cluster(int size) : base(size) { }

    protected override IEnumerable<string> SiloArgs(int index) =>
        [$"--S3:Credentials:0:AccessKey={AccessKey}", $"--S3:Credentials:0:SecretKey={SecretKey}", .. S3Args];

    protected virtual IEnumerable<string> S3Args => [];

    public AmazonS3Client Client(int silo = 0, string accessKey = AccessKey, string secretKey = SecretKey) =>
        new(new BasicAWSCredentials(accessKey, secretKey), Config(silo));

    public AmazonS3Client AnonymousClient(int silo = 0) => new(new AnonymousAWSCredentials(), Config(silo));

    /// <summary>
    /// A plain HTTP client whose requests are SigV4-signed with the cluster's key: for raw S3 requests (anonymous access
    /// is off, as by default). <see cref="SiloCluster.Http"/> stays unsigned, for the <c>/v1</c> API and anonymous cases.
    /// </summary>
    public HttpClient SignedHttp { get; } = new(new SigV4SigningHandler(AccessKey, SecretKey)) { Timeout = TimeSpan.FromMinutes(2) };

    private AmazonS3Config Config(int silo) => new()
    {
        ServiceURL = Silos[silo].HttpUrl.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        MaxErrorRetry = 0, // errors are what several tests look at
        Timeout = TimeSpan.FromMinutes(2),
    };
}

/// <summary>Three silos: objects live on different owners, and requests to the wrong silo are proxied.</summary>
public sealed class ThreeSiloS3Cluster() : S3Cluster(3);

/// <summary>Two silos of their own, for tests that watch the processes' memory.</summary>
public sealed class TwoSiloS3Cluster() : S3Cluster(2);

/// <summary>One silo with S3 started as a user would: no S3 settings at all (so no anonymous access, and a generated key).</summary>
public sealed class DefaultS3Cluster : SiloCluster
{
    public AmazonS3Client AnonymousClient() => new(new AnonymousAWSCredentials(),
        new AmazonS3Config { ServiceURL = Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
}

/// <summary>
/// One silo with the S3 settings a deployment may change: anonymous access on, virtual-hosted style under
/// <see cref="Domain"/>, and multipart uploads abandoned after a few seconds.
/// </summary>
public sealed class ConfiguredS3Cluster : S3Cluster
{
    public const string Domain = "s3.oais.test";
    public static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(3);

    protected override IEnumerable<string> S3Args =>
        ["--S3:AllowAnonymous=true", $"--S3:Domain={Domain}", $"--S3:Multipart:AbandonAfter={AbandonAfter}", "--S3:Multipart:SweepInterval=00:00:00.500"];
}

/// <summary>The S3 test classes share one three-silo cluster.</summary>
[CollectionDefinition(Name)]
public sealed class S3Collection : ICollectionFixture<ThreeSiloS3Cluster>
{
    public const string Name = "S3 on three silos";

    /// <summary>A fresh, valid bucket name.</summary>
    public static string NewBucket(string purpose) => $"{purpose}-{Guid.NewGuid():N}"[..Math.Min(purpose.Length + 13, 63)];
}
