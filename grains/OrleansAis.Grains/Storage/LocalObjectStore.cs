using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAis.Naming;
using OrleansAis.Cluster;
using OrleansAis.Ownership;

namespace OrleansAis.Storage;

/// <summary>
/// This silo's objects on its local mountpaths. Layout: <c>{mountpath}/{bucket}/{hh}/{hash}</c>, one file per object
/// (content + metadata trailer, see <see cref="ObjectFile"/>); uploads go to <c>{mountpath}/.tmp</c> and become
/// visible by one rename after fsync. Thread-safe; one instance per silo.
/// </summary>
public sealed class LocalObjectStore
{
    internal const string TempFolder = ".tmp";
    private const int CopyBufferBytes = 1 << 20;

    private readonly StoreMetrics _metrics;
    private readonly ILogger _log;
    private readonly SemaphoreSlim[] _keyLocks = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly BucketIndexes _indexes;

    private readonly IWriteObserver[] _observers;
    private readonly MetaCache _meta;

    public LocalObjectStore(
        IOptions<StoreOptions> options, IOptions<NodeOptions> node, StoreMetrics metrics, ILogger<LocalObjectStore> log,
        IEnumerable<IWriteObserver>? observers = null, IOptions<Consistency.ConsistencyOptions>? consistency = null)
    {
        _observers = observers?.ToArray() ?? [];
        var o = options.Value;
        NodeId = node.Value.RequiredId;
        VerifyOnRead = o.VerifyOnRead;
        _meta = new MetaCache(o.MetaCacheEntries);
        Mountpaths = o.EffectiveMountpaths.Select(p => Path.GetFullPath(p)).Distinct().ToArray();
        _metrics = metrics;
        _log = log;
        foreach (var mp in Mountpaths)
        {
            Directory.CreateDirectory(mp);
            var temp = Path.Combine(mp, TempFolder);
            // Leftovers of uploads that were in flight when the process died: never visible, safe to drop.
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            Directory.CreateDirectory(temp);
        }
        _indexes = new BucketIndexes(this);
        Deletes = new Tombstones(this, (consistency?.Value ?? new Consistency.ConsistencyOptions()).TombstoneLifetime);
    }

    /// <summary>The user deletes this node remembers, so older copies elsewhere do not come back (see <c>Tombstones</c>).</summary>
    internal Tombstones Deletes { get; }

    /// <summary>When a user deleted the object on this node, within the tombstone lifetime.</summary>
    public DateTimeOffset? DeletedAt(string bucket, string name) => Deletes.DeletedAt(bucket, name);

    /// <summary>Every delete this node remembers.</summary>
    public IEnumerable<Tombstone> RememberedDeletes() => Deletes.All();

    /// <summary>
    /// A delete made on another node while this one held a copy it did not hear of: removes the local copy if it is
    /// not newer than the delete, and remembers the delete here too. True when a copy was removed.
    /// </summary>
    public async Task<bool> ApplyDeleteAsync(Tombstone delete, CancellationToken ct = default)
    {
        var metaPath = MetaPathOf(delete.Bucket, delete.Name);
        var gate = LockFor(delete.Bucket, delete.Name);
        await gate.WaitAsync(ct);
        try
        {
            var stored = ObjectFile.ReadMeta(metaPath);
            if (stored is not null && stored.Name == delete.Name && stored.Modified > delete.DeletedAt) return false; // written after the delete
            Deletes.Record(delete.Bucket, delete.Name, delete.DeletedAt);
            if (stored is null || stored.Name != delete.Name) return false;
            RemoveLocked(delete.Bucket, delete.Name, metaPath, stored);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    public string NodeId { get; }
    public bool VerifyOnRead { get; }
    public IReadOnlyList<string> Mountpaths { get; }

    /// <summary>The mountpath that holds <c>bucket/name</c>: rendezvous over mountpaths, like objects over silos.</summary>
    internal string MountpathOf(string bucket, string name) =>
        Rendezvous.Owner(ObjectKey.Format(bucket, name), Mountpaths, p => p);

    /// <summary>The object's metadata file (its commit point); the content is in <see cref="ObjectFile.DataPath"/> next to it.</summary>
    internal string MetaPathOf(string bucket, string name) =>
        Path.Combine(MountpathOf(bucket, name), bucket, ObjectFile.RelativeMetaPath(name));

    internal string NewTempPath(string bucket, string name) =>
        Path.Combine(MountpathOf(bucket, name), TempFolder, Guid.NewGuid().ToString("N"));

    internal IEnumerable<string> BucketFolders(string bucket) =>
        Mountpaths.Select(mp => Path.Combine(mp, bucket)).Where(Directory.Exists);

    /// <summary>Starts a streamed upload into a temp file. Dispose without commit discards it.</summary>
    public ObjectWriter BeginWrite(string bucket, string name, PutOptions options)
    {
        Names.EnsureValidBucketName(bucket);
        Names.EnsureValidObjectName(name);
        foreach (var (key, value) in options.Custom ?? new Dictionary<string, string>())
        {
            if (Names.MetadataProblem(key, value) is { } problem) throw new OaisException(OaisErrorCode.InvalidArgument, problem);
        }
        if (options.Custom is { } custom && Names.UserMetadataSizeProblem(custom) is { } tooLarge)
            throw new OaisException(OaisErrorCode.InvalidArgument, tooLarge);
        // Checked again at commit, under the key lock; this early check only spares uploading a body that cannot be stored.
        options.Condition?.EnsureWritable(bucket, name, Head(bucket, name));
        return new ObjectWriter(this, bucket, name, options);
    }

    /// <summary>
    /// Starts writing a copy of an object that lives on another node (rebalancing, mirroring): the copy must hash to the
    /// source's checksum and keeps its time and metadata, and its version unless <paramref name="version"/> is given.
    /// </summary>
    public ObjectWriter BeginImport(ObjectMeta source, long? version = null)
    {
        var options = new PutOptions
        {
            ContentType = source.ContentType, Custom = source.Custom, ExpectedChecksum = source.Checksum, ExpectedSize = source.Size,
            Headers = source.Headers, ContentChecksum = source.ContentChecksum,
            ContentMd5 = false, // the copy keeps the source's entity tag
        };
        return new ObjectWriter(this, source.Bucket, source.Name, options)
        {
            // The entity tag travels with the object: a move never changes it (an object stored before MD5s were kept keeps its old one).
            Preserved = new PreservedMeta(version ?? source.Version, source.Modified, source.Md5, source.MultipartETag, source.PartSizes?.ToArray()),
        };
    }

    /// <summary>Buckets that have data on this node's mountpaths.</summary>
    public IReadOnlyList<string> LocalBuckets() =>
        Mountpaths.Where(Directory.Exists).SelectMany(Directory.EnumerateDirectories)
            .Select(Path.GetFileName).OfType<string>().Where(b => b != TempFolder && b != Tombstones.Folder).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Writes a whole object from a stream, in bounded buffers, atomically.</summary>
    public Task<ObjectMeta> PutAsync(string bucket, string name, Stream content, PutOptions options, CancellationToken ct = default) =>
        PutAsync(bucket, name, content, options, checksumAtEnd: null, ct);

    /// <summary>
    /// Writes a whole object from a stream; <paramref name="checksumAtEnd"/>, asked once the content has been read to its
    /// end (a checksum sent as a trailer is known only then), gives the checksum to store with it.
    /// </summary>
    public async Task<ObjectMeta> PutAsync(string bucket, string name, Stream content, PutOptions options, Func<ObjectChecksum?>? checksumAtEnd,
        CancellationToken ct = default)
    {
        await using var writer = BeginWrite(bucket, name, options);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), ct)) > 0)
                await writer.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (checksumAtEnd?.Invoke() is { } checksum) writer.ContentChecksum = checksum;
        return await writer.CommitAsync(ct);
    }

    public ObjectMeta? Head(string bucket, string name)
    {
        using var reader = OpenRead(bucket, name);
        return reader?.Meta;
    }

    /// <summary>Opens the current version for reading; null when the object does not exist here.</summary>
    public ObjectReader? OpenRead(string bucket, string name)
    {
        Names.EnsureValidBucketName(bucket);
        Names.EnsureValidObjectName(name);
        var start = StoreMetrics.Now();
        var metaPath = MetaPathOf(bucket, name);
        // A concurrent overwrite may delete the data file between reading the metadata and opening it: read again.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var stored = _meta.Read(metaPath);
            if (stored is null || stored.Name != name) return null; // absent, or a 128-bit hash collision
            var dataPath = ObjectFile.DataPath(metaPath, stored.Version);
            FileStream file;
            try
            {
                file = new FileStream(dataPath, new FileStreamOptions
                {
                    Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete,
                    BufferSize = 0, Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                });
            }
            catch (FileNotFoundException)
            {
                _meta.Forget(metaPath); // read the metadata from disk again, not the entry that named this file
                continue;
            }
            if (file.Length != stored.Size)
            {
                file.Dispose();
                _metrics.Error("open");
                throw new InvalidDataException($"object '{bucket}/{name}' is corrupt: {file.Length} bytes on disk, {stored.Size} in its metadata");
            }
            _metrics.Record("open", 0, StoreMetrics.Since(start));
            return new ObjectReader(file, dataPath, ToMeta(bucket, stored), bytes => _metrics.Record("get", bytes, TimeSpan.Zero));
        }
        throw new OaisException(OaisErrorCode.Conflict, $"object '{bucket}/{name}' keeps changing while being opened");
    }

    /// <summary>
    /// Reads one bounded chunk of version <paramref name="version"/>; a changed object is a <see cref="OaisErrorCode.Conflict"/>,
    /// so a reader assembling chunks never mixes versions.
    /// </summary>
    public async Task<byte[]> ReadChunkAsync(string bucket, string name, long version, long offset, int count, CancellationToken ct = default)
    {
        if (count < 0 || count > Grains.Transfer.MaxChunkBytes)
            throw new OaisException(OaisErrorCode.InvalidArgument, $"read of {count} bytes: chunks are 0 to {Grains.Transfer.MaxChunkBytes} bytes");
        using var reader = OpenRead(bucket, name) ?? throw OaisException.ObjectNotFound(bucket, name);
        if (reader.Meta.Version != version)
            throw new OaisException(OaisErrorCode.Conflict, $"object '{bucket}/{name}' changed (now version {reader.Meta.Version}, reading {version})");
        if (offset < 0 || offset > reader.Meta.Size)
            throw new OaisException(OaisErrorCode.InvalidRange, $"offset {offset} is outside the object's {reader.Meta.Size} bytes");
        var buffer = new byte[Math.Min(count, reader.Meta.Size - offset)];
        var n = await reader.ReadAtAsync(offset, buffer, ct);
        return n == buffer.Length ? buffer : buffer[..n];
    }

    /// <summary>
    /// Deletes the object; with <paramref name="onlyVersion"/>, only while it is still at that version (a move between
    /// nodes must not delete an overwrite that happened meanwhile). False when nothing was deleted. With
    /// <paramref name="condition"/> (If-Match), an existing object is deleted only if it meets it, checked under the key lock.
    /// </summary>
    public async Task<bool> DeleteAsync(string bucket, string name, long? onlyVersion = null, CancellationToken ct = default,
        ObjectCondition? condition = null)
    {
        Names.EnsureValidBucketName(bucket);
        Names.EnsureValidObjectName(name);
        var metaPath = MetaPathOf(bucket, name);
        var gate = LockFor(bucket, name);
        await gate.WaitAsync(ct);
        try
        {
            var stored = ObjectFile.ReadMeta(metaPath);
            if (stored is null || stored.Name != name || (onlyVersion is { } version && stored.Version != version)) return false;
            condition?.EnsureWritable(bucket, name, ToMeta(bucket, stored));
            RemoveLocked(bucket, name, metaPath, stored);
            // A user delete (not a move's removal of the source): remembered, so a copy on a node that is down now
            // does not come back when it returns. Never before the copy's own time: last writer wins.
            if (onlyVersion is null) Deletes.Record(bucket, name, DateTimeOffset.UtcNow > stored.Modified ? DateTimeOffset.UtcNow : stored.Modified);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    private void RemoveLocked(string bucket, string name, string metaPath, ObjectFile.StoredMeta stored)
    {
        try
        {
            _indexes.Unpublish(bucket, () =>
            {
                File.Delete(metaPath); // the commit point goes first: from here on the object is gone
                File.Delete(ObjectFile.DataPath(metaPath, stored.Version));
            }, name);
        }
        finally
        {
            _meta.Changed(metaPath);
        }
        _metrics.Record("delete", 0, TimeSpan.Zero);
    }

    /// <summary>A page of this silo's objects in the bucket, in ordinal name order.</summary>
    public ObjectListPage List(string bucket, ListRequest request)
    {
        Names.EnsureValidBucketName(bucket);
        return _indexes.Get(bucket).Page(request);
    }

    public long Count(string bucket) => _indexes.Get(bucket).Count;

    /// <summary>Object count and bytes over all buckets present on this silo's disks.</summary>
    public (long Count, long Bytes) Totals()
    {
        long count = 0, bytes = 0;
        foreach (var bucket in LocalBuckets())
        {
            var (c, b) = _indexes.Get(bucket).Totals();
            count += c;
            bytes += b;
        }
        return (count, bytes);
    }

    /// <summary>Deletes every local object of the bucket (the bucket itself lives in the registry).</summary>
    public void DropBucket(string bucket)
    {
        Names.EnsureValidBucketName(bucket);
        try
        {
            foreach (var folder in BucketFolders(bucket).ToList())
            {
                // Rename first so a concurrent reader sees either everything or nothing of the old bucket.
                var doomed = Path.Combine(Path.GetDirectoryName(folder)!, TempFolder, "drop-" + Guid.NewGuid().ToString("N"));
                Directory.Move(folder, doomed);
                Directory.Delete(doomed, recursive: true);
            }
        }
        finally
        {
            _meta.ChangedAll();
        }
        _indexes.Drop(bucket);
    }

    public IReadOnlyList<MountpathStats> Capacity() => Mountpaths.Select(mp =>
    {
        var drive = new DriveInfo(mp);
        return new MountpathStats { Path = mp, TotalBytes = drive.TotalSize, AvailableBytes = drive.AvailableFreeSpace };
    }).ToList();

    internal SemaphoreSlim LockFor(string bucket, string name) =>
        _keyLocks[(int)(Rendezvous.HashKey(ObjectKey.Format(bucket, name)) % (ulong)_keyLocks.Length)];

    internal ObjectMeta ToMeta(string bucket, ObjectFile.StoredMeta t) => new()
    {
        Bucket = bucket, Name = t.Name, Size = t.Size, Checksum = t.Checksum, ContentType = t.ContentType,
        Custom = t.Custom, Version = t.Version, Modified = t.Modified, Node = NodeId, Md5 = t.Md5, MultipartETag = t.MultipartETag,
        PartSizes = t.PartSizes, Headers = t.Headers, ContentChecksum = t.ContentChecksum,
    };

    /// <summary>Runs the write hooks (off-owner nudge, mirroring) for a committed user write, before it is acknowledged.</summary>
    internal async ValueTask AfterUserWriteAsync(ObjectMeta meta, CancellationToken ct)
    {
        foreach (var observer in _observers) await observer.AfterWriteAsync(meta, ct);
    }

    /// <summary>Renames the metadata into place (the commit point) and records the object in the listing index, as one step.</summary>
    internal void Publish(string metaPath, ObjectMeta meta, Action commit)
    {
        try
        {
            _indexes.Publish(meta.Bucket, commit, meta);
        }
        finally
        {
            _meta.Changed(metaPath);
        }
    }

    internal void Committed(ObjectMeta meta, TimeSpan elapsed)
    {
        _metrics.Record("put", meta.Size, elapsed);
        _log.LogDebug("Stored {Bucket}/{Object} v{Version} ({Size} bytes)", meta.Bucket, meta.Name, meta.Version, meta.Size);
    }

    internal void Failed(string operation) => _metrics.Error(operation);
}
