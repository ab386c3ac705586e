using System.Diagnostics.Metrics;
using OrleansAis.Storage;

namespace OrleansAis.Rebalancing;

/// <summary>
/// Rebalancing progress on /metrics (meter <see cref="StoreMetrics.MeterName"/>): passes, objects handed over and
/// mirror copies restored, and whether a pass is running now.
/// </summary>
public sealed class RebalanceMetrics
{
    private readonly Counter<long> _passes;
    private readonly Counter<long> _objects;
    private int _running;

    public RebalanceMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(StoreMetrics.MeterName) ?? new Meter(StoreMetrics.MeterName);
        _passes = meter.CreateCounter<long>("oais.rebalance.passes", "{pass}", "Completed walks over the local objects");
        _objects = meter.CreateCounter<long>("oais.rebalance.objects", "{object}",
            "Objects handed to their owner (kind=moved), whose mirror copies were checked (kind=mirrored), or acknowledged with a copy missing (kind=mirror-degraded)");
        meter.CreateObservableGauge("oais.rebalance.running", () => Volatile.Read(ref _running), "{pass}", "1 while a pass runs on this node");
    }

    public void PassStarted() => Interlocked.Exchange(ref _running, 1);

    public void PassEnded()
    {
        Interlocked.Exchange(ref _running, 0);
        _passes.Add(1);
    }

    public void Moved() => _objects.Add(1, new KeyValuePair<string, object?>("kind", "moved"));

    /// <summary>A write acknowledged with a mirror copy missing (restored by the next pass).</summary>
    public void MirrorDegraded() => _objects.Add(1, new KeyValuePair<string, object?>("kind", "mirror-degraded"));

    public void Mirrored() => _objects.Add(1, new KeyValuePair<string, object?>("kind", "mirrored"));
}
