using OrleansAis.Http.Contracts;

namespace OrleansAis.Benchmarks.Hosting;

/// <summary>
/// One real OrleansAis silo process (the built silo assembly) on free loopback ports with its own data folder:
/// development clustering, either the primary itself or joining one, so it behaves like one node of a multi-silo
/// deployment. Transformers run as its child processes (the Process ETL runtime) when an ETL is initialized.
/// </summary>
public sealed class SiloServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly ChildProcess _process;

    private SiloServer(ChildProcess process, string nodeId, int siloPort, int gatewayPort, int httpPort)
    {
        _process = process;
        NodeId = nodeId;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpUrl = new Uri($"http://127.0.0.1:{httpPort}");
    }

    public const string ClusterId = "oais";
    public const string ServiceId = "oais";

    public string NodeId { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public Uri HttpUrl { get; }

    /// <summary>A single-silo cluster (the silo is its own primary).</summary>
    public static async Task<SiloServer> StartAsync(SiloLaunch launch, string directory, CancellationToken ct)
    {
        var silo = Launch(launch, "n0", directory, primarySiloPort: null, Path.Combine(directory, "cluster-state"));
        await silo.WaitUntilClusterHasAsync(1, ct);
        return silo;
    }

    /// <summary>
    /// Starts the process; <paramref name="primarySiloPort"/> null makes it the primary. Returns at once: call
    /// <see cref="WaitUntilClusterHasAsync"/> (it kills the process when the silo does not come up).
    /// </summary>
    public static SiloServer Launch(SiloLaunch launch, string nodeId, string directory, int? primarySiloPort, string clusterState)
    {
        if (!File.Exists(launch.SiloAssembly))
            throw new FileNotFoundException($"silo assembly not found: {launch.SiloAssembly} (build silo/OrleansAis.Silo in Release first)");
        var ports = FreePorts.Take(3);
        var (siloPort, gatewayPort, httpPort) = (ports[0], ports[1], ports[2]);
        var data = Directory.CreateDirectory(Path.Combine(directory, "data")).FullName;
        Directory.CreateDirectory(clusterState);
        string[] arguments =
        [
            launch.SiloAssembly,
            "--clustering", "development", "--node-id", nodeId, "--data", data,
            "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}", "--http-port", $"{httpPort}",
            "--primary", $"127.0.0.1:{primarySiloPort ?? siloPort}", "--listen", "127.0.0.1", "--advertise", "127.0.0.1",
            "--cluster-state", clusterState,
            // The Process ETL runtime: transformers are child processes of the silo, so their CPU counts as the silo's.
            "--Etl:Runtime=process", $"--Etl:EtlHostCommand=dotnet {launch.EtlHostAssembly}",
        ];
        return new SiloServer(ChildProcess.Start($"silo {nodeId}", "dotnet", arguments, data), nodeId, siloPort, gatewayPort, httpPort);
    }

    /// <summary>Waits until this silo's HTTP API answers and lists <paramref name="nodes"/> active members; stops it on failure.</summary>
    public async Task WaitUntilClusterHasAsync(int nodes, CancellationToken ct)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Readiness.WaitAsync(_process, () => ListsAsync(http, nodes, ct), StartTimeout, ct);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Throws when the silo process has died (call after a run, so a crash is not mistaken for a slow silo).</summary>
    public void EnsureRunning() => _process.EnsureRunning();

    public int ProcessId => _process.Id;

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private async Task<bool> ListsAsync(HttpClient http, int nodes, CancellationToken ct)
    {
        try
        {
            return (await new OaisHttpClient(http, HttpUrl).GetClusterAsync(ct)).Nodes.Count == nodes;
        }
        catch (Exception e) when ((e is OaisApiException or TaskCanceledException) && !ct.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>What a silo process runs: the built silo, and the built etl-host its Process ETL runtime starts transformers from.</summary>
public sealed record SiloLaunch(string SiloAssembly, string EtlHostAssembly);
