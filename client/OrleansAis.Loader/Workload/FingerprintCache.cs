using System.Collections.Concurrent;

namespace OrleansAis.Loader.Workload;

/// <summary>Each object's <see cref="ContentFingerprint"/>, computed on first use by exactly one worker.</summary>
internal sealed class FingerprintCache(ObjectSet objects, bool md5, bool sha256)
{
    private readonly ConcurrentDictionary<int, Lazy<ContentFingerprint>> _fingerprints = new();

    public ContentFingerprint Get(int index) =>
        _fingerprints.GetOrAdd(index, i => new Lazy<ContentFingerprint>(
            () => ContentFingerprint.Compute(objects.ContentSeed(i), objects.SizeOf(i), md5, sha256))).Value;
}
