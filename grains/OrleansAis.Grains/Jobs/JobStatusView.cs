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
    /// <summary>An active node that neither runs nor keeps the job: the job grain gives it its share again.</summary>
    public const string NotKnown = "the node does not know the job; it is given its share again";

    /// <summary>A node that is down: its share is kept, and resumed when it comes back.</summary>
    public const string Down = "the node is down; its share resumes when it comes back";

    /// <summary>A node that left gracefully before its share ended: what it held went to new owners, who re-walk it.</summary>
    public const string Departed = "the node left the cluster (decommissioned); its objects' new owners re-walk them";

    /// <summary>
    /// Each node's part, earlier walks included: its final report, or its live one. A node that is down is shown
    /// unreachable and still running (its share resumes when it returns); so is one that does not answer: not answering
    /// is not lost. One that left gracefully is done (its objects are re-walked by their new owners).
    /// </summary>
    public async Task<IReadOnlyList<JobNodeStatus>> Nodes(string jobId, EtlJobState state)
    {
        var view = cluster.Current;
        var active = view.ActiveNodes.Select(n => n.NodeId).ToHashSet();
        var departed = cluster.Departed.ToHashSet(StringComparer.Ordinal);
        var current = await Task.WhenAll(state.Nodes.Select(async entry =>
        {
            var (nodeId, finished) = entry;
            if (finished is not null) return finished;
            if (!active.Contains(nodeId))
            {
                return departed.Contains(nodeId)
                    ? new JobNodeStatus { NodeId = nodeId, State = JobState.Succeeded, Message = Departed, Round = state.Round }
                    : new JobNodeStatus { NodeId = nodeId, State = JobState.Running, Unreachable = true, Message = Down, Round = state.Round };
            }
            var live = await calls.Ask(nodeId, () => grains.GetGrain<IJobNodeGrain>(nodeId).Status(jobId));
            if (!live.Answered)
                return new JobNodeStatus { NodeId = nodeId, State = JobState.Running, Unreachable = true, Message = live.Unreachable, Round = state.Round };
            // A node still on an earlier walk (the job grain's new round has not reached it yet) is about to start this one.
            return live.Value is { } known && known.Round == state.Round
                ? known
                : new JobNodeStatus { NodeId = nodeId, State = JobState.Running, Message = live.Value is null ? NotKnown : null, Round = state.Round };
        }));
        var byNode = current.ToDictionary(s => s.NodeId, StringComparer.Ordinal);
        var nodes = state.Earlier.Keys.Union(byNode.Keys);
        return nodes.Select(n => (state.Earlier.GetValueOrDefault(n), byNode.GetValueOrDefault(n)) switch
            {
                ({ } earlier, { } now) => earlier.Then(now),
                ({ } earlier, null) => earlier,
                (null, var now) => now!,
            })
            .OrderBy(s => s.NodeId, StringComparer.Ordinal).ToList();
    }

    public static EtlJobStatus Status(string jobId, EtlJobState state, IReadOnlyList<JobNodeStatus> nodes) => new()
    {
        Id = jobId, Request = state.Request ?? throw new OaisException(OaisErrorCode.JobNotFound, $"job '{jobId}' does not exist"),
        State = state.State, Started = state.Started, Finished = state.Finished, Reason = state.Reason, Nodes = nodes,
    };
}
