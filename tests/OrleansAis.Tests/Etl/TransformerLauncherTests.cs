using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansAis.Etl;
using OrleansAis.Etl.Endpoints;
using OrleansAis.Etl.Lifecycle;
using OrleansAis.Etl.Runtimes;
using OrleansAis.Testing;

namespace OrleansAis.Tests.Etl;

/// <summary>
/// The port race of a transformer that must be handed a port (AIS's contract): another process takes the port between
/// the silo choosing it and the transformer binding it. Here the port is really taken (a listener of this test holds
/// it) and the transformer is an AIS-style server that only reads PORT.
/// </summary>
public sealed class TransformerLauncherTests : IDisposable
{
    // Serves GET /health on $PORT and nothing else; on a taken port Python exits with "Address already in use".
    private const string PortOnlyServer = """
        import http.server, os
        class Health(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200); self.end_headers(); self.wfile.write(b"Running")
        http.server.HTTPServer(("0.0.0.0", int(os.environ["PORT"])), Health).serve_forever()
        """;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly TcpListener _squatter = new(IPAddress.Any, 0);
    private readonly string _folder = Directory.CreateTempSubdirectory("oais-launcher-").FullName;
    private readonly ProcessRuntime _runtime = new(Options.Create(new EtlOptions()), NullLogger<ProcessRuntime>.Instance);
    private readonly List<RunningEtl> _etls = [];

    public TransformerLauncherTests() => _squatter.Start();

    private int Taken => ((IPEndPoint)_squatter.LocalEndpoint).Port;

    [Fact]
    public async Task A_transformer_handed_a_port_someone_took_is_started_again_on_another_and_comes_up()
    {
        var ports = new SquattedPorts(Taken, takenTimes: 1);
        var etl = Etl("port-taken-once");

        var port = await Launcher(ports).LaunchAsync(etl, Offer(etl), CancellationToken.None);

        Assert.Equal([Taken, port], ports.Handed);
        Assert.NotEqual(Taken, port);
        await Waiting.WaitUntil(() => AnswersHealthAsync(port), TimeSpan.FromSeconds(10), () => $"no /health answer on port {port}");
        Assert.False(etl.Instance!.Exited.IsCompleted);
    }

    [Fact]
    public async Task Ports_taken_every_time_fail_the_start_after_the_bounded_attempts_saying_why()
    {
        var ports = new SquattedPorts(Taken, takenTimes: int.MaxValue);
        var etl = Etl("port-always-taken");

        var failed = await Assert.ThrowsAsync<OaisException>(() => Launcher(ports).LaunchAsync(etl, Offer(etl), CancellationToken.None));

        Assert.Equal(TransformerLauncher.PortAttempts, ports.Handed.Count);
        Assert.Equal(OaisErrorCode.TransformFailed, failed.Code);
        Assert.Contains("Address already in use", failed.Message);
    }

    private static TransformerLauncher Launcher(TransformerPorts ports) => new(
        new ProcessRuntime(Options.Create(new EtlOptions()), NullLogger<ProcessRuntime>.Instance), ports, new IoProbe(Options.Create(new EtlOptions())),
        NullLogger<TransformerLauncher>.Instance);

    private RunningEtl Etl(string name)
    {
        var etl = new RunningEtl(new EtlSpec
        {
            Name = name, InitTimeout = TimeSpan.FromSeconds(30),
            Runtime = new EtlRuntimeSpec { Command = ["python3", "-c", PortOnlyServer] },
        }, "secret", _runtime.Kind);
        _etls.Add(etl);
        return etl;
    }

    private TransformerLaunch Offer(RunningEtl etl) => new()
    {
        Spec = etl.Spec, NodeId = "node-1", Port = 0, TargetUrl = "http://127.0.0.1:1/", PortFile = Path.Combine(_folder, etl.Spec.Name + ".port"),
    };

    private static async Task<bool> AnswersHealthAsync(int port)
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{port}/health");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var etl in _etls) etl.Instance?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _squatter.Stop();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Hands the taken port the first <c>takenTimes</c> times, then free ones.</summary>
    private sealed class SquattedPorts(int taken, int takenTimes) : TransformerPorts
    {
        public List<int> Handed { get; } = [];

        public override int Candidate()
        {
            var port = Handed.Count < takenTimes ? taken : base.Candidate();
            Handed.Add(port);
            return port;
        }
    }
}
