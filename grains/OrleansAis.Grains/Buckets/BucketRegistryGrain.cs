using Microsoft.Extensions.Logging;
using OrleansAis.Grains;
using OrleansAis.Naming;

namespace OrleansAis.Buckets;

[GenerateSerializer, Alias("oais.BucketRegistryState")]
public sealed class BucketRegistryState
{
    [Id(0)] public Dictionary<string, BucketInfo> Buckets { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The cluster's buckets, persisted in grain storage <see cref="StorageName"/> so they survive silo restarts.</summary>
public sealed class BucketRegistryGrain(
    [PersistentState("buckets", BucketRegistryGrain.StorageName)] IPersistentState<BucketRegistryState> state,
    ILogger<BucketRegistryGrain> log) : Grain, IBucketRegistryGrain
{
    public const string StorageName = "oais-cluster";

    public async Task<BucketInfo> Create(string name, IReadOnlyDictionary<string, string>? properties)
    {
        Names.EnsureValidBucketName(name);
        BucketProperties.Validate(properties);
        if (state.State.Buckets.ContainsKey(name))
            throw new OaisException(OaisErrorCode.BucketAlreadyExists, $"bucket '{name}' already exists");
        var bucket = new BucketInfo
        {
            Name = name, Created = DateTimeOffset.UtcNow,
            Properties = properties is null ? new Dictionary<string, string>() : new Dictionary<string, string>(properties),
        };
        state.State.Buckets[name] = bucket;
        await state.WriteStateAsync();
        log.LogInformation("Created bucket {Bucket}", name);
        return bucket;
    }

    public Task<BucketInfo?> Get(string name) =>
        Task.FromResult(state.State.Buckets.GetValueOrDefault(name));

    public Task<IReadOnlyList<BucketInfo>> List() =>
        Task.FromResult<IReadOnlyList<BucketInfo>>(state.State.Buckets.Values.OrderBy(b => b.Name, StringComparer.Ordinal).ToList());

    public async Task Delete(string name, bool force)
    {
        Names.EnsureValidBucketName(name);
        if (!state.State.Buckets.ContainsKey(name)) throw OaisException.BucketNotFound(name);
        var nodes = await GrainFactory.GetGrain<IClusterViewGrain>(0).Nodes();
        if (!force)
        {
            var counts = await Task.WhenAll(nodes.Select(n => GrainFactory.GetGrain<INodeStoreGrain>(n.NodeId).Count(name)));
            var total = counts.Sum();
            if (total > 0)
                throw new OaisException(OaisErrorCode.BucketNotEmpty, $"bucket '{name}' is not empty ({total} objects); delete them or force");
        }
        state.State.Buckets.Remove(name);
        await state.WriteStateAsync();
        await Task.WhenAll(nodes.Select(n => GrainFactory.GetGrain<INodeStoreGrain>(n.NodeId).DropBucket(name)));
        log.LogInformation("Deleted bucket {Bucket} (force: {Force})", name, force);
    }
}
