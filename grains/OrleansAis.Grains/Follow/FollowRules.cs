using System.Collections.Frozen;

namespace OrleansAis.Follow;

/// <summary>This node's copy of the cluster's rules, by source bucket: read on every write, replaced whole on a change.</summary>
public sealed class FollowRules
{
    private volatile Snapshot _current = new([], FrozenDictionary<string, FollowRule[]>.Empty);

    public IReadOnlyList<FollowRule> All => _current.Rules;

    /// <summary>The rules reading <paramref name="bucket"/>; empty (and cheap) for the buckets no rule reads.</summary>
    public IReadOnlyList<FollowRule> ForSource(string bucket) =>
        _current.BySource.TryGetValue(bucket, out var rules) ? rules : [];

    public FollowRule? Get(string ruleId) => _current.Rules.FirstOrDefault(r => r.Id == ruleId);

    /// <summary>Replaces the rules; true when they differ from the ones held (by id and settings).</summary>
    public bool Set(IReadOnlyList<FollowRule> rules)
    {
        var old = _current.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        _current = new Snapshot(rules.OrderBy(r => r.Id, StringComparer.Ordinal).ToList(),
            rules.GroupBy(r => r.Source, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal));
        return old.Count != rules.Count || rules.Any(r => !old.TryGetValue(r.Id, out var was) || !SameTransform(was, r));
    }

    private static bool SameTransform(FollowRule a, FollowRule b) =>
        a.Pipeline.ProducerMarker == b.Pipeline.ProducerMarker && a.Transform.Prepend == b.Transform.Prepend
        && a.Transform.ExtensionMap.Count == b.Transform.ExtensionMap.Count
        && a.Transform.ExtensionMap.All(e => b.Transform.ExtensionMap.TryGetValue(e.Key, out var v) && v == e.Value);

    private sealed record Snapshot(IReadOnlyList<FollowRule> Rules, FrozenDictionary<string, FollowRule[]> BySource);
}
