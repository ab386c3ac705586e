using Microsoft.Extensions.Logging;
using OrleansAis.Buckets;
using OrleansAis.Grains;

namespace OrleansAis.Follow;

[GenerateSerializer, Alias("oais.FollowRegistryState")]
public sealed class FollowRegistryState
{
    /// <summary>By <see cref="FollowRule.Id"/>.</summary>
    [Id(0)] public Dictionary<string, FollowRule> Rules { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The cluster's transform-on-write rules, persisted in the registries' storage so they survive restarts. A change is
/// pushed to every node at once; a node that misses the push (down, slow) picks the rules up when it starts and at
/// every reconcile pass, so nothing depends on the push arriving.
/// </summary>
public sealed partial class FollowRegistryGrain(
    [PersistentState("follow", BucketRegistryGrain.StorageName)] IPersistentState<FollowRegistryState> state,
    ILogger<FollowRegistryGrain> log) : Grain, IFollowRegistryGrain
{
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(5);

    public async Task<FollowRule> Put(FollowRule rule, bool createDestination)
    {
        rule.EnsureValid();
        var etls = GrainFactory.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key);
        foreach (var stage in rule.Pipeline.Stages) await etls.Get(stage.Etl); // EtlNotFound names it
        var buckets = GrainFactory.GetGrain<IBucketRegistryGrain>(IBucketRegistryGrain.Key);
        if (await buckets.Get(rule.Source) is null) throw OaisException.BucketNotFound(rule.Source);
        if (FeedsBack(rule) is { } cycle)
            throw new OaisException(OaisErrorCode.InvalidArgument, $"to_bucket: rules would feed '{rule.Source}' its own outputs again ({cycle})");
        if (await buckets.Get(rule.Destination) is null)
        {
            if (!createDestination) throw OaisException.BucketNotFound(rule.Destination);
            await buckets.Create(rule.Destination, null);
        }
        // A rule put again for the same buckets keeps its creation time: it is the same rule with new settings.
        var stored = state.State.Rules.TryGetValue(rule.Id, out var old) ? new FollowRule { Transform = rule.Transform, Created = old.Created } : rule;
        state.State.Rules[rule.Id] = stored;
        await state.WriteStateAsync();
        LogPut(rule.Id, rule.Pipeline.Name);
        await PushAsync();
        return stored;
    }

    public Task<IReadOnlyList<FollowRule>> List(string? source) => Task.FromResult<IReadOnlyList<FollowRule>>(
        state.State.Rules.Values.Where(r => source is null || r.Source == source)
            .OrderBy(r => r.Source, StringComparer.Ordinal).ThenBy(r => r.Destination, StringComparer.Ordinal).ToList());

    public async Task Delete(string source, string destination)
    {
        if (!state.State.Rules.Remove(FollowRule.IdOf(source, destination)))
            throw new OaisException(OaisErrorCode.FollowRuleNotFound, $"no transform rule from bucket '{source}' to '{destination}'");
        await state.WriteStateAsync();
        LogDeleted(FollowRule.IdOf(source, destination));
        await PushAsync();
    }

    /// <summary>The chain of buckets by which <paramref name="rule"/>'s outputs would reach its source again, or null.</summary>
    private string? FeedsBack(FollowRule rule)
    {
        var edges = state.State.Rules.Values.Where(r => r.Id != rule.Id).Append(rule)
            .ToLookup(r => r.Source, r => r.Destination, StringComparer.Ordinal);
        var path = new List<string> { rule.Source, rule.Destination };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return Walk(rule.Destination) ? string.Join(" -> ", path) : null;

        bool Walk(string bucket)
        {
            if (!seen.Add(bucket)) return false;
            foreach (var next in edges[bucket])
            {
                path.Add(next);
                if (next == rule.Source || Walk(next)) return true;
                path.RemoveAt(path.Count - 1);
            }
            return false;
        }
    }

    /// <summary>Best effort: tells every node the new rules; a node that does not hear reloads them on its own.</summary>
    private async Task PushAsync()
    {
        var rules = state.State.Rules.Values.ToList();
        var nodes = await GrainFactory.GetGrain<IClusterViewGrain>(0).Nodes();
        await Task.WhenAll(nodes.Select(async n =>
        {
            try
            {
                await GrainFactory.GetGrain<IFollowNodeGrain>(n.NodeId).RulesChanged(rules).WaitAsync(PushTimeout);
            }
            catch (Exception e)
            {
                LogPushFailed(e, n.NodeId);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transform rule {Rule} through ETL {Etl} is in place")]
    private partial void LogPut(string rule, string etl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transform rule {Rule} removed")]
    private partial void LogDeleted(string rule);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not push the transform rules to {Node}; it reloads them itself")]
    private partial void LogPushFailed(Exception e, string node);
}
