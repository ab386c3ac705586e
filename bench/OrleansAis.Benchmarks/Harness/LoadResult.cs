namespace OrleansAis.Benchmarks.Harness;

/// <summary>What one measured window of a load loop saw.</summary>
public sealed record LoadResult(
    long Operations, long Bytes, TimeSpan Elapsed, long Errors, string? FirstError, LatencyHistogram Latency, TimeSpan? ServerCpu)
{
    public Measurement Summary => new(
        Operations / Elapsed.TotalSeconds, Bytes / (1024.0 * 1024.0) / Elapsed.TotalSeconds,
        Latency.Percentile(0.50), Latency.Percentile(0.99), Errors, Operations > 0 ? ServerCpu / Operations : null);

    public override string ToString() => Summary + (Errors > 0 ? $"  {Errors} errors (first: {FirstError})" : "");

    /// <summary>Several windows of the same load as one: counts, time, CPU and latencies add up.</summary>
    public static LoadResult Combine(IReadOnlyList<LoadResult> parts)
    {
        var latency = new LatencyHistogram();
        foreach (var part in parts) latency.Add(part.Latency);
        var cpu = parts.All(p => p.ServerCpu is not null) ? parts.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.ServerCpu!.Value) : (TimeSpan?)null;
        return new LoadResult(parts.Sum(p => p.Operations), parts.Sum(p => p.Bytes), parts.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Elapsed),
            parts.Sum(p => p.Errors), parts.Select(p => p.FirstError).FirstOrDefault(e => e is not null), latency, cpu);
    }
}

/// <summary>
/// The numbers a report shows for one measurement, whichever load generator produced them. <see cref="ServerCpuPerOperation"/>
/// is known when the server is a separate process (CPU time it used in the window divided by the operations).
/// </summary>
public sealed record Measurement(double OperationsPerSecond, double MiBPerSecond, TimeSpan P50, TimeSpan P99, long Errors, TimeSpan? ServerCpuPerOperation)
{
    public override string ToString() =>
        $"{OperationsPerSecond,10:F1} ops/s {MiBPerSecond,9:F1} MiB/s  p50 {P50.TotalMilliseconds,8:F2} ms  p99 {P99.TotalMilliseconds,8:F2} ms" +
        (ServerCpuPerOperation is { } cpu ? $"  server CPU {cpu.TotalMilliseconds:F3} ms/op" : "");
}
