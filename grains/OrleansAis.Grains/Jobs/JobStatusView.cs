using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Status;

namespace OrleansAis.Jobs;

/// <summary>
/// How one job stands across its nodes: what the job grain answers, and what <see cref="StatusReader"/> assembles from
/// the stored job when the job grain's silo is not reachable.
/// </summary>
public sealed class JobStatusView(IGrainFactory grains, ClusterMap cluster, NodeCalls calls)
{
    /// <summary>
    /// Each node's part: its final report, or its live one. A node that left, or restarted and lost the job, is
    /// Interrupted; a node that does not answer is shown unreachable, still running: not answering is not lost, and a
    /// crashed node is interrupted once membership declares it dead (it leaves the active nodes).
    /// </summary>
    public async Task<IReadOnlyList<JobNodeStatus>> Nodes(string jobId, EtlJobState state)
    {
        var active = cluster.Current.ActiveNodes.Select(n => n.NodeId).ToHashSet();
        return (await Task.WhenAll(state.Nodes.Select(async entry =>
        {
            var (nodeId, finished) = entry;
            if (finished is not null) return finished;
            var live = active.Contains(nodeId) ? await calls.Ask(nodeId, () => grains.GetGrain<IJobNodeGrain>(nodeId).Status(jobId)) : default;
            if (!live.Answered)
                return new JobNodeStatus { NodeId = nodeId, State = JobState.Running, Unreachable = true, Message = live.Unreachable };
            return live.Value ?? new JobNodeStatus
            {
                NodeId = nodeId, State = JobState.Interrupted,
                Message = active.Contains(nodeId) ? "the node restarted during the job" : "the node left the cluster during the job",
            };
        }))).OrderBy(s => s.NodeId, StringComparer.Ordinal).ToList();
    }

    public static EtlJobStatus Status(string jobId, EtlJobState state, IReadOnlyList<JobNodeStatus> nodes) => new()
    {
        Id = jobId, Request = state.Request ?? throw new OaisException(OaisErrorCode.JobNotFound, $"job '{jobId}' does not exist"),
        State = state.State, Started = state.Started, Finished = state.Finished, Reason = state.Reason, Nodes = nodes,
    };
}
