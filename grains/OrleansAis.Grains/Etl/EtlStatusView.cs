using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Status;

namespace OrleansAis.Etl;

/// <summary>
/// How one ETL stands across the nodes: what the registry answers, and what <see cref="StatusReader"/> assembles from
/// the stored registry when the registry's silo is not reachable.
/// </summary>
public sealed class EtlStatusView(IGrainFactory grains, ClusterMap cluster, NodeCalls calls)
{
    /// <summary>
    /// Spec, desired stage and every node's report; Running only when every node that answers runs it. A node that
    /// does not answer in time is reported unreachable and left out of the stage: whether its transformer still runs
    /// is unknown until it answers again or membership declares it dead.
    /// </summary>
    public async Task<EtlInfo> Describe(EtlRecord record)
    {
        var nodes = cluster.Current.ActiveNodes.ToList();
        var unknown = record.Desired == EtlStage.Running ? EtlStage.Initializing : EtlStage.Aborted;
        var statuses = await Task.WhenAll(nodes.Select(async n =>
        {
            var answer = await calls.Ask(n.NodeId, () => grains.GetGrain<IEtlWorkerGrain>(n.NodeId).Status(record.Spec.Name));
            return !answer.Answered ? new EtlNodeStatus { NodeId = n.NodeId, Stage = unknown, Unreachable = true, Error = answer.Unreachable }
                : answer.Value ?? new EtlNodeStatus { NodeId = n.NodeId, Stage = unknown };
        }));
        var answered = statuses.Where(s => !s.Unreachable).ToList();
        var stage = record.Desired == EtlStage.Aborted ? EtlStage.Aborted
            : answered.All(s => s.Stage == EtlStage.Running) ? EtlStage.Running
            : answered.Any(s => s.Stage == EtlStage.Aborted) ? EtlStage.Aborted
            : EtlStage.Initializing;
        return new EtlInfo
        {
            Spec = record.Spec, Stage = stage, AbortReason = record.AbortReason,
            Nodes = statuses.OrderBy(s => s.NodeId, StringComparer.Ordinal).ToList(),
        };
    }
}
