using System.Collections.Concurrent;

namespace OrleansAis.Storage;

/// <summary>
/// Parsed object metadata, so a GET opens one file (the data) instead of opening and parsing the metadata file too.
/// Kept right by the store's own commits: every commit point (metadata renamed into place or deleted) advances the
/// stamp of the object's stripe, and an entry counts only while its stamp is current. A reader samples the stamp
/// before it reads the disk, so a result that raced with a commit is stored already out of date and is simply read
/// again; no interleaving can make an older version visible after a commit returned. Objects are only ever changed
/// by this process (one silo per mountpath), which is what makes that enough.
/// </summary>
internal sealed class MetaCache(int capacity)
{
    private const int Stripes = 4096; // a commit makes the cached entries of 1/4096 of the names re-read once

    private readonly long[] _stamps = new long[Stripes];
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _stored; // entries stored since the last clear, overwrites included

    /// <summary>The object's metadata (null: absent), from memory when nothing committed to its stripe since it was read.</summary>
    public ObjectFile.StoredMeta? Read(string metaPath)
    {
        if (capacity <= 0) return ObjectFile.ReadMeta(metaPath);
        ref var stamp = ref _stamps[StripeOf(metaPath)];
        var current = Volatile.Read(ref stamp);
        if (_entries.TryGetValue(metaPath, out var entry) && entry.Stamp == current) return entry.Meta;
        var meta = ObjectFile.ReadMeta(metaPath);
        // Crude but safe (the cache only ever saves work), and cheaper than ConcurrentDictionary.Count, which takes every lock.
        if (Interlocked.Increment(ref _stored) > capacity)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _stored, 0);
        }
        _entries[metaPath] = new Entry(meta, current);
        return meta;
    }

    /// <summary>Called right after a commit point of the object, before the write or delete is acknowledged.</summary>
    public void Changed(string metaPath) => Interlocked.Increment(ref _stamps[StripeOf(metaPath)]);

    /// <summary>Drops one entry: the disk is read next time.</summary>
    public void Forget(string metaPath) => _entries.TryRemove(metaPath, out _);

    /// <summary>Called after a whole folder of objects went away (a bucket dropped).</summary>
    public void ChangedAll()
    {
        for (var i = 0; i < Stripes; i++) Interlocked.Increment(ref _stamps[i]);
        _entries.Clear();
    }

    private static int StripeOf(string metaPath) => (int)((uint)metaPath.GetHashCode() % Stripes);

    private sealed record Entry(ObjectFile.StoredMeta? Meta, long Stamp);
}
