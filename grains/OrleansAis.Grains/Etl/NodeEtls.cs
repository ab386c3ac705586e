using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using OrleansAis.Cluster;

namespace OrleansAis.Etl;

/// <summary>
/// The ETLs this node runs, by name: the one table the lifecycle (<see cref="Lifecycle.EtlLifecycle"/>) adds to and
/// removes from, and the data plane and endpoint authority read.
/// </summary>
public sealed class NodeEtls(ClusterMap cluster)
{
    private readonly ConcurrentDictionary<string, RunningEtl> _etls = new(StringComparer.Ordinal);

    public string NodeId => cluster.Local.NodeId;

    public EtlNodeStatus? Status(string name) => _etls.TryGetValue(name, out var etl) ? etl.Status(NodeId) : null;

    /// <summary>The first ETL of <paramref name="pipeline"/> that is not running on this node; null when every stage runs.</summary>
    public string? FirstNotRunning(EtlPipeline pipeline) =>
        pipeline.Stages.FirstOrDefault(s => Status(s.Etl)?.Stage != EtlStage.Running)?.Etl;

    /// <summary>The spec of an ETL this node knows, or null.</summary>
    public EtlSpec? Spec(string name) => _etls.TryGetValue(name, out var etl) ? etl.Spec : null;

    internal bool TryGet(string name, [MaybeNullWhen(false)] out RunningEtl etl) => _etls.TryGetValue(name, out etl);

    internal bool TryRemove(string name, [MaybeNullWhen(false)] out RunningEtl etl) => _etls.TryRemove(name, out etl);

    internal void Set(RunningEtl etl) => _etls[etl.Spec.Name] = etl;

    /// <summary>True while <paramref name="etl"/> is the one this node runs under its name (not replaced or removed).</summary>
    internal bool IsCurrent(RunningEtl etl) => _etls.TryGetValue(etl.Spec.Name, out var current) && current == etl;

    /// <summary>Empties the table, returning what it held.</summary>
    internal IReadOnlyList<RunningEtl> RemoveAll()
    {
        var all = _etls.Values.ToList();
        _etls.Clear();
        return all;
    }
}
