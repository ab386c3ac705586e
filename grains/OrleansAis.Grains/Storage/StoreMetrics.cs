using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansAis.Storage;

/// <summary>Counters and latency histograms of the local object store (meter <see cref="MeterName"/>).</summary>
public sealed class StoreMetrics
{
    public const string MeterName = "OrleansAis.Store";

    private readonly Counter<long> _operations;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _latency;

    public StoreMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _operations = meter.CreateCounter<long>("oais.store.operations", "{operation}", "Store operations by kind");
        _bytes = meter.CreateCounter<long>("oais.store.bytes", "By", "Object bytes written (put) and opened for reading (get)");
        _errors = meter.CreateCounter<long>("oais.store.errors", "{error}", "Failed store operations by kind");
        _latency = meter.CreateHistogram<double>("oais.store.duration", "ms", "Store operation latency (put: commit of a streamed write; get: open)");
    }

    public void Record(string operation, long bytes, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("operation", operation);
        _operations.Add(1, tag);
        if (bytes > 0) _bytes.Add(bytes, tag);
        _latency.Record(elapsed.TotalMilliseconds, tag);
    }

    public void Error(string operation) => _errors.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public static long Now() => Stopwatch.GetTimestamp();

    public static TimeSpan Since(long start) => Stopwatch.GetElapsedTime(start);
}
