using Orleans.Placement;
using OrleansAis.Placement;

namespace OrleansAis.Follow;

/// <summary>One per node, pinned: the cluster's handle on that node's <see cref="FollowService"/>.</summary>
[NodePinnedPlacement, Immovable, KeepAlive]
public sealed class FollowNodeGrain(FollowService service) : Grain, IFollowNodeGrain
{
    public Task RulesChanged(IReadOnlyList<FollowRule> rules)
    {
        service.OnRulesChanged(rules);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FollowNodeStatus>> Status() => Task.FromResult(service.Status());
}
