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

    // Each round measures its share of the duration, so a cell's measured time in total stays the configured duration.
    private readonly LoadLoop _load = new(settings.Load with { Duration = settings.Load.Duration / settings.Rounds });

    public BenchmarkSettings Settings => settings;
    public int Workers => settings.Load.Workers;

    /// <summary>The measured window of one round of a cell (the configured duration is split over the rounds).</summary>
    public TimeSpan RoundWindow => _load.Settings.Duration;

    /// <summary>A folder under the run's work directory (on the same disk as the silo's data).</summary>
    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(settings.WorkDirectory, name)).FullName;

    public async Task<SiloServer> SiloAsync(CancellationToken ct)
    {
        if (_silo is null)
        {
            Log("starting a silo process ...");
            _silo = await SiloServer.StartAsync(settings.Silo, Folder("silo"), ct);
            Log($"silo up: HTTP {_silo.HttpUrl}, gateway port {_silo.GatewayPort}");
        }
        return _silo;
    }

    /// <summary>
    /// Measures cells that are to be compared with each other, alternating their order over the rounds (A B, B A, A B ...),
    /// each round with its own warm-up: a change in the machine's background load during the comparison then hits
    /// every cell about equally instead of skewing the ratios. Fails if the silo died meanwhile.
    /// </summary>
    public async Task<IReadOnlyList<Measurement>> CompareAsync(IReadOnlyList<Cell> cells, CancellationToken ct)
    {
        var rounds = cells.Select(_ => new List<LoadResult>()).ToArray();
        for (var round = 0; round < settings.Rounds; round++)
        {
            var order = Enumerable.Range(0, cells.Count);
            foreach (var i in round % 2 == 0 ? order : order.Reverse())
            {
                var cell = cells[i];
                Console.Write($"  {cell.Label,-62} ");
                var window = cell.MinimumWindow > _load.Settings.Duration ? cell.MinimumWindow : null;
                var result = await _load.RunAsync(cell.Operation, cell.ServerPid is { } pid ? () => ProcessTreeCpu.Of(pid) : null, ct, window);
                Console.WriteLine(result);
                _silo?.EnsureRunning();
                rounds[i].Add(result);
            }
        }
        return rounds.Select(r => LoadResult.Combine(r).Summary).ToList();
    }

    public static void Log(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    public async ValueTask DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
    }
}
