using System.Text.Json;

namespace OrleansAis.Benchmarks.Hosting;

/// <summary>
/// One real OrleansAis silo process (the built silo assembly) on free loopback ports with its own data folder:
/// development clustering with itself as the primary, so it behaves like one node of a multi-silo deployment.
/// </summary>
public sealed class SiloServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly ChildProcess _process;

    private SiloServer(ChildProcess process, int gatewayPort, int httpPort)
    {
        _process = process;
        GatewayPort = gatewayPort;
        HttpUrl = new Uri($"http://127.0.0.1:{httpPort}");
    }

    public const string ClusterId = "oais";
    public const string ServiceId = "oais";

    public int GatewayPort { get; }
    public Uri HttpUrl { get; }

    public static async Task<SiloServer> StartAsync(string siloAssembly, string directory, CancellationToken ct)
    {
        if (!File.Exists(siloAssembly))
            throw new FileNotFoundException($"silo assembly not found: {siloAssembly} (build silo/OrleansAis.Silo in Release first)");
        var ports = FreePorts.Take(3);
        var (siloPort, gatewayPort, httpPort) = (ports[0], ports[1], ports[2]);
        var data = Directory.CreateDirectory(Path.Combine(directory, "data")).FullName;
        var clusterState = Directory.CreateDirectory(Path.Combine(directory, "cluster-state")).FullName;
        string[] arguments =
        [
            siloAssembly,
            "--clustering", "development", "--node-id", "n0", "--data", data,
            "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}", "--http-port", $"{httpPort}",
            "--primary", $"127.0.0.1:{siloPort}", "--listen", "127.0.0.1", "--advertise", "127.0.0.1",
            "--cluster-state", clusterState,
        ];
        var silo = new SiloServer(ChildProcess.Start("silo n0", "dotnet", arguments, data), gatewayPort, httpPort);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Readiness.WaitAsync(silo._process, () => ListsItselfAsync(http, silo.HttpUrl, ct), StartTimeout, ct);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Throws when the silo process has died (call after a run, so a crash is not mistaken for a slow silo).</summary>
    public void EnsureRunning() => _process.EnsureRunning();

    public int ProcessId => _process.Id;

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    // Ready once the HTTP API answers and the silo sees itself as an active cluster member.
    private static async Task<bool> ListsItselfAsync(HttpClient http, Uri silo, CancellationToken ct)
    {
        try
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(silo, "/v1/cluster"), ct));
            return doc.RootElement.GetProperty("nodes").GetArrayLength() == 1;
        }
        catch (Exception e) when ((e is JsonException or KeyNotFoundException or TaskCanceledException) && !ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
