using System.Collections.Concurrent;

namespace OrleansAis.Cluster;

/// <summary>
/// Nodes that announced a graceful leave and are handing their objects to the remaining nodes. They are still cluster
/// members (their disks are read and listed) but own nothing, so every silo routes, places and rebalances as if they
/// were already gone. An entry ends with the node's membership (a node that comes back owns its share again).
/// </summary>
public sealed class LeavingNodes
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    public void Add(string nodeId) => _ids[nodeId] = 0;

    public bool Contains(string nodeId) => _ids.ContainsKey(nodeId);

    /// <summary>Forgets leaving nodes that are no longer members.</summary>
    public void Retain(IEnumerable<string> memberIds)
    {
        if (_ids.IsEmpty) return;
        var members = memberIds.ToHashSet(StringComparer.Ordinal);
        foreach (var id in _ids.Keys)
        {
            if (!members.Contains(id)) _ids.TryRemove(id, out _);
        }
    }

    /// <summary>The candidates for ownership: every node that is not leaving, or all of them when all are leaving.</summary>
    public IReadOnlyList<T> Exclude<T>(IReadOnlyList<T> nodes, Func<T, string> id)
    {
        if (_ids.IsEmpty) return nodes;
        var staying = nodes.Where(n => !_ids.ContainsKey(id(n))).ToList();
        return staying.Count > 0 ? staying : nodes;
    }
}
