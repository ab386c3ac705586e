namespace OrleansAis.Follow;

/// <summary>
/// The cluster's transform-on-write rules (one activation, key <see cref="Key"/>), persisted with the other registries;
/// every change is pushed to each node's <see cref="IFollowNodeGrain"/>, and nodes also reload the rules periodically.
/// </summary>
[Alias("oais.IFollowRegistryGrain")]
public interface IFollowRegistryGrain : IGrainWithStringKey
{
    public const string Key = "follow";

    /// <summary>Adds the rule, or replaces the rule of the same two buckets; returns it as stored.</summary>
    [Alias("Put")] Task<FollowRule> Put(FollowRule rule, bool createDestination);
    /// <summary>Every rule, or those reading <paramref name="source"/>.</summary>
    [Alias("List")] Task<IReadOnlyList<FollowRule>> List(string? source);
    [Alias("Delete")] Task Delete(string source, string destination);
}

/// <summary>Exactly one per storage node (key: node id), pinned to it: that node's side of the rules.</summary>
[Alias("oais.IFollowNodeGrain")]
public interface IFollowNodeGrain : IGrainWithStringKey
{
    [Alias("RulesChanged")] Task RulesChanged(IReadOnlyList<FollowRule> rules);
    [Alias("Status")] Task<IReadOnlyList<FollowNodeStatus>> Status();
}
