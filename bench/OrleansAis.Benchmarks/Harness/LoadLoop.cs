using System.Diagnostics;

namespace OrleansAis.Benchmarks.Harness;

/// <summary>One operation of a load loop, run by worker <paramref name="worker"/>; returns the payload bytes it moved.</summary>
public delegate Task<long> Operation(int worker, CancellationToken ct);

/// <summary>How hard and how long a load loop drives its target.</summary>
public sealed record LoadSettings(int Workers, TimeSpan Warmup, TimeSpan Duration);

/// <summary>
/// Closed-loop load: <see cref="LoadSettings.Workers"/> workers each run one operation after another for the warm-up and
/// then the measured window. Only operations that complete inside the window count, so the warm-up's JIT, connection
/// setup and cold caches stay out of the numbers.
/// </summary>
public sealed class LoadLoop(LoadSettings settings)
{
    // A target that fails this often is broken, not slow: stop instead of measuring error handling.
    private const int MaxErrors = 100;

    public LoadSettings Settings { get; } = settings;

    /// <summary>
    /// Runs the load; <paramref name="serverCpu"/>, when given, reads the server's CPU time so far and is sampled when
    /// the measured window opens and closes. <paramref name="duration"/> overrides the settings' measured window.
    /// </summary>
    public async Task<LoadResult> RunAsync(Operation operation, Func<TimeSpan>? serverCpu, CancellationToken ct, TimeSpan? duration = null)
    {
        var clock = Stopwatch.StartNew();
        var measured = duration ?? Settings.Duration;
        var window = new MeasuredWindow(Settings.Warmup, Settings.Warmup + measured);
        var workers = Enumerable.Range(0, Settings.Workers).Select(_ => new WorkerTally()).ToArray();
        var errors = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var cpuInWindow = serverCpu is null ? Task.FromResult<TimeSpan?>(null) : SampleOverWindowAsync(clock, window, serverCpu, stop.Token);
        await Task.WhenAll(workers.Select((tally, w) => Task.Run(async () =>
        {
            while (clock.Elapsed < window.End)
            {
                stop.Token.ThrowIfCancellationRequested();
                var started = clock.Elapsed;
                try
                {
                    var bytes = await operation(w, stop.Token);
                    var finished = clock.Elapsed;
                    if (window.Contains(finished)) tally.Completed(bytes, finished - started);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    tally.Failed(e);
                    if (Interlocked.Increment(ref errors) <= MaxErrors) continue;
                    await stop.CancelAsync();
                    throw new InvalidOperationException($"more than {MaxErrors} failed operations; first: {tally.FirstError}", e);
                }
            }
        }, stop.Token)));

        var latency = new LatencyHistogram();
        foreach (var tally in workers) latency.Add(tally.Latency);
        return new LoadResult(workers.Sum(t => t.Operations), workers.Sum(t => t.Bytes), measured,
            workers.Sum(t => t.Errors), workers.Select(t => t.FirstError).FirstOrDefault(e => e is not null), latency, await cpuInWindow);
    }

    private static async Task<TimeSpan?> SampleOverWindowAsync(Stopwatch clock, MeasuredWindow window, Func<TimeSpan> cpu, CancellationToken ct)
    {
        await Task.Delay(Until(window.Start), ct);
        var atStart = cpu();
        await Task.Delay(Until(window.End), ct);
        return cpu() - atStart;

        TimeSpan Until(TimeSpan t) => TimeSpan.FromTicks(Math.Max(0, (t - clock.Elapsed).Ticks));
    }

    private readonly record struct MeasuredWindow(TimeSpan Start, TimeSpan End)
    {
        public bool Contains(TimeSpan t) => t >= Start && t < End;
    }

    /// <summary>One worker's counts: no sharing between workers, so recording costs no synchronisation.</summary>
    private sealed class WorkerTally
    {
        public long Operations { get; private set; }
        public long Bytes { get; private set; }
        public long Errors { get; private set; }
        public string? FirstError { get; private set; }
        public LatencyHistogram Latency { get; } = new();

        public void Completed(long bytes, TimeSpan latency)
        {
            Operations++;
            Bytes += bytes;
            Latency.Record(latency);
        }

        public void Failed(Exception e)
        {
            Errors++;
            FirstError ??= $"{e.GetType().Name}: {e.Message}";
        }
    }
}
