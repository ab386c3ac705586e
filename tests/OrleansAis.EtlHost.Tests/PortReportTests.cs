using System.Diagnostics;
using OrleansAis.Testing;

namespace OrleansAis.EtlHost.Tests;

/// <summary>
/// The race-free port of the wire contract: with PORT=0 a host binds a port nobody holds (the kernel picks it) and
/// reports it in OAIS_ETL_PORT_FILE, where the silo reads it; it serves /health there.
/// </summary>
public sealed class PortReportTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [SkippableTheory]
    [MemberData(nameof(ProtocolHosts.All), MemberType = typeof(ProtocolHosts))]
    public async Task With_port_0_the_host_reports_the_port_it_bound_and_serves_there(string host)
    {
        var folder = Directory.CreateTempSubdirectory("oais-port-report-").FullName;
        var portFile = Path.Combine(folder, "etl.port");
        var info = ProtocolHosts.StartInfo(host, "echo", [], new Dictionary<string, string> { ["PORT"] = "0", ["OAIS_ETL_PORT_FILE"] = portFile });
        info.RedirectStandardInput = false;
        using var process = Process.Start(info)!;
        RunRegistry.Track(process);
        try
        {
            var port = await Waiting.WaitUntil(() => Task.FromResult(File.Exists(portFile) ? int.Parse(File.ReadAllText(portFile)) : 0),
                port => port > 0 || process.HasExited, TimeSpan.FromSeconds(30), _ => $"{host} did not report its port in {portFile}");
            Assert.False(process.HasExited, $"{host} exited before reporting");
            Assert.NotEqual(8000, port); // not the default: one the kernel handed out
            using var health = await Http.GetAsync($"http://127.0.0.1:{port}/health");
            Assert.Equal("Running", await health.Content.ReadAsStringAsync());
            Assert.False(File.Exists(portFile + ".tmp")); // written whole, then renamed
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            RunRegistry.Forget(process);
            Directory.Delete(folder, recursive: true);
        }
    }
}
