using System.Collections.Concurrent;
using OrleansAis.Grains;
using OrleansAis.Naming;

namespace OrleansAis.Buckets;

/// <summary>
/// A silo-local cache of the bucket registry, so object operations do not all call the one registry grain.
/// Deletions reach it through <see cref="Forget"/> (the registry fans out to every node); entries also expire.
/// </summary>
public sealed class BucketCatalog(IGrainFactory grains, TimeProvider time)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (BucketInfo Bucket, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>The bucket, or <see cref="OaisErrorCode.BucketNotFound"/> (or an invalid-name error).</summary>
    public async ValueTask<BucketInfo> Require(string bucket)
    {
        Names.EnsureValidBucketName(bucket);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(bucket, out var hit) && hit.Until > now) return hit.Bucket;
        var info = await grains.GetGrain<IBucketRegistryGrain>(IBucketRegistryGrain.Key).Get(bucket);
        if (info is null)
        {
            _cache.TryRemove(bucket, out _);
            throw OaisException.BucketNotFound(bucket);
        }
        _cache[bucket] = (info, now + Ttl);
        return info;
    }

    public void Forget(string bucket) => _cache.TryRemove(bucket, out _);
}
