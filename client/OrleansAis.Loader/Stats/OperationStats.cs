using System.Collections.Concurrent;

namespace OrleansAis.Loader.Stats;

/// <summary>Counters of one operation type, shared by all workers (interlocked: cheap at HTTP request rates).</summary>
internal sealed class OperationStats
{
    private readonly ConcurrentDictionary<string, long> _errorsByKind = new(StringComparer.Ordinal);
    private long _count;
    private long _errors;
    private long _bytes;

    public LatencyHistogram Latency { get; } = new();
    public long Count => Interlocked.Read(ref _count);
    public long Errors => Interlocked.Read(ref _errors);
    public long Bytes => Interlocked.Read(ref _bytes);
    public IReadOnlyDictionary<string, long> ErrorsByKind => new SortedDictionary<string, long>(_errorsByKind, StringComparer.Ordinal);

    public void Success(long bytes, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _bytes, bytes);
        Latency.Record(elapsed);
    }

    public void Failure(string errorKind)
    {
        Interlocked.Increment(ref _errors);
        _errorsByKind.AddOrUpdate(errorKind, 1, (_, n) => n + 1);
    }

    public StatsSnapshot Snapshot() => new(Count, Errors, Bytes);
}

/// <summary>Counts at one instant, for live progress (rates are differences of snapshots).</summary>
internal readonly record struct StatsSnapshot(long Count, long Errors, long Bytes);
