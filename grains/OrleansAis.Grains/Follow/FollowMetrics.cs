using System.Diagnostics.Metrics;
using OrleansAis.Cluster;
using OrleansAis.Etl;

namespace OrleansAis.Follow;

/// <summary>
/// The figures of <c>oais etl follow show</c> on /metrics (meter <see cref="EtlMetrics.MeterName"/>), per rule and node:
/// pending objects, lag (age of the oldest pending write), and the done, deleted and failed counts.
/// </summary>
public sealed class FollowMetrics
{
    public FollowMetrics(FollowRules rules, FollowQueue queue, ClusterMap cluster, IMeterFactory? meterFactory = null)
    {
        var meter = meterFactory?.Create(EtlMetrics.MeterName) ?? new Meter(EtlMetrics.MeterName);
        meter.CreateObservableGauge<long>("oais.follow.pending", () => Observe(s => s.Pending), "{object}", "Source objects waiting for their transform");
        meter.CreateObservableGauge<double>("oais.follow.lag", () => Observe(s => s.LagSeconds), "s", "Age of the oldest write waiting for its transform");
        meter.CreateObservableCounter<long>("oais.follow.transformed", () => Observe(s => s.Done), "{object}", "Destinations written by transform-on-write");
        meter.CreateObservableCounter<long>("oais.follow.deleted", () => Observe(s => s.Deleted), "{object}", "Derived objects deleted because their source is gone");
        meter.CreateObservableCounter<long>("oais.follow.failed", () => Observe(s => s.Failed), "{object}", "Failed transforms and deletes (retried by the reconcile pass)");

        IEnumerable<Measurement<T>> Observe<T>(Func<FollowNodeStatus, T> value) where T : struct =>
            rules.All.Select(r => queue.Status(r.Id, cluster.Local.NodeId))
                .Select(s => new Measurement<T>(value(s), new KeyValuePair<string, object?>("rule", s.RuleId), new KeyValuePair<string, object?>("node", s.NodeId)));
    }
}
