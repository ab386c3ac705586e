namespace OrleansAis.Ownership;

/// <summary>
/// Which active nodes own objects, the one rule the silos' cluster snapshot and the clients' node view both apply
/// before <see cref="Rendezvous"/> picks an object's owner among them: not those leaving (they hand everything over),
/// not those joining (not yet reconciled with the nodes that stood in for them).
/// </summary>
public static class OwnerCandidates
{
    /// <summary>The active nodes except those leaving; all of them when every node is leaving (the whole cluster stops).</summary>
    public static IReadOnlyList<T> Staying<T>(IReadOnlyList<T> active, Func<T, bool> leaving)
    {
        var staying = active.Where(n => !leaving(n)).ToList();
        return staying.Count > 0 ? staying : active;
    }

    /// <summary>
    /// The staying nodes except those joining; all staying ones when none is ready yet (the whole cluster is starting:
    /// nobody stood in for anybody, so each node owns its share).
    /// </summary>
    public static IReadOnlyList<T> Owners<T>(IReadOnlyList<T> staying, Func<T, bool> joining)
    {
        var ready = staying.Where(n => !joining(n)).ToList();
        return ready.Count > 0 ? ready : staying;
    }
}
