using OrleansAis.Benchmarks.Harness;
using OrleansAis.Benchmarks.Hosting;

namespace OrleansAis.Benchmarks;

/// <summary>
/// What scenarios share in one run: the settings, the load loop, a scratch folder, and one silo process started on
/// first use (scenarios use their own buckets, so they can share it).
/// </summary>
public sealed class BenchmarkContext(BenchmarkSettings settings) : IAsyncDisposable
{
    private SiloServer? _silo;

    public BenchmarkSettings Settings => settings;
    public LoadLoop Load { get; } = new(settings.Load);
    public int Workers => settings.Load.Workers;

    /// <summary>A folder under the run's work directory (on the same disk as the silo's data).</summary>
    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(settings.WorkDirectory, name)).FullName;

    public async Task<SiloServer> SiloAsync(CancellationToken ct)
    {
        if (_silo is null)
        {
            Log("starting a silo process ...");
            _silo = await SiloServer.StartAsync(settings.SiloAssembly, Folder("silo"), ct);
            Log($"silo up: HTTP {_silo.HttpUrl}, gateway port {_silo.GatewayPort}");
        }
        return _silo;
    }

    /// <summary>
    /// Runs one measurement and logs its result; fails if the silo died meanwhile. With <paramref name="serverPid"/>,
    /// also measures that server process's CPU time per operation.
    /// </summary>
    public async Task<Measurement> MeasureAsync(string cell, Operation operation, CancellationToken ct, int? serverPid = null)
    {
        Console.Write($"  {cell,-60} ");
        var result = await Load.RunAsync(operation, serverPid is { } pid ? () => ProcessTreeCpu.Of(pid) : null, ct);
        Console.WriteLine(result);
        _silo?.EnsureRunning();
        return result.Summary;
    }

    public static void Log(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    public async ValueTask DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
    }
}
