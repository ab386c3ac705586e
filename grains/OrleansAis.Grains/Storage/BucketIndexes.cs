using System.Collections.Concurrent;

namespace OrleansAis.Storage;

/// <summary>
/// Per-bucket sorted name index of this silo's objects, built on first use by walking the bucket's folders on every
/// mountpath and kept current by the store's own writes and deletes (the store is the only writer of its mountpaths).
/// A commit or delete publishes its file change and its index change under the bucket's gate, and the first load
/// walks the folders under the same gate, so no write can slip between the walk and the index.
/// </summary>
internal sealed class BucketIndexes(LocalObjectStore store)
{
    private readonly ConcurrentDictionary<string, Holder> _holders = new();

    private sealed class Holder
    {
        public readonly Lock Gate = new();
        public BucketIndex? Index;
    }

    public BucketIndex Get(string bucket)
    {
        var holder = _holders.GetOrAdd(bucket, _ => new Holder());
        lock (holder.Gate) return holder.Index ??= BucketIndex.Load(store, bucket);
    }

    /// <summary>Makes a committed file change visible and records it in the index (if loaded) as one step.</summary>
    public void Publish(string bucket, Action fileChange, ObjectMeta meta)
    {
        var holder = _holders.GetOrAdd(bucket, _ => new Holder());
        lock (holder.Gate)
        {
            fileChange();
            holder.Index?.Set(meta);
        }
    }

    public void Unpublish(string bucket, Action fileChange, string name)
    {
        var holder = _holders.GetOrAdd(bucket, _ => new Holder());
        lock (holder.Gate)
        {
            fileChange();
            holder.Index?.Remove(name);
        }
    }

    public void Drop(string bucket) => _holders.TryRemove(bucket, out _);
}

internal sealed class BucketIndex
{
    // Greater (ordinal) than any valid name: names are at most 1024 UTF-8 bytes, and U+FFFF takes 3 of them.
    private static readonly string AboveAllNames = new(char.MaxValue, 400);

    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ObjectEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public static BucketIndex Load(LocalObjectStore store, string bucket)
    {
        var index = new BucketIndex();
        foreach (var folder in store.BucketFolders(bucket))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(ObjectFile.IsMetaFile))
            {
                try
                {
                    if (ObjectFile.ReadMeta(file) is { } stored) index.Set(store.ToMeta(bucket, stored));
                }
                catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
                {
                    // Not an object's metadata: not part of the listing.
                }
            }
        }
        return index;
    }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    public (long Count, long Bytes) Totals()
    {
        lock (_gate) return (_entries.Count, _entries.Values.Sum(e => e.Size));
    }

    public void Set(ObjectMeta meta)
    {
        var entry = new ObjectEntry
        {
            Name = meta.Name, Size = meta.Size, Checksum = meta.Checksum, Version = meta.Version,
            Modified = meta.Modified, Node = meta.Node, ETag = meta.ETag,
        };
        lock (_gate)
        {
            _entries[meta.Name] = entry;
            _names.Add(meta.Name);
        }
    }

    public void Remove(string name)
    {
        lock (_gate)
        {
            _entries.Remove(name);
            _names.Remove(name);
        }
    }

    public ObjectListPage Page(ListRequest request)
    {
        var size = request.EffectivePageSize;
        var after = request.ContinuationToken;
        var prefix = request.Prefix ?? "";
        var page = new List<ObjectEntry>(Math.Min(size, 1024));
        lock (_gate)
        {
            // Names sharing a prefix are contiguous in ordinal order: skip to the later of prefix and token, stop past the prefix.
            var from = after is not null && string.CompareOrdinal(after, prefix) >= 0 ? after : prefix;
            foreach (var name in _names.GetViewBetween(from, AboveAllNames))
            {
                if (name == after) continue;
                if (!name.StartsWith(prefix, StringComparison.Ordinal)) break;
                if (page.Count == size)
                    return new ObjectListPage { Entries = page, ContinuationToken = page[^1].Name };
                page.Add(_entries[name]);
            }
        }
        return new ObjectListPage { Entries = page, ContinuationToken = null };
    }
}
