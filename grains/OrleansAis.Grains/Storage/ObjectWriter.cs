using System.IO.Hashing;
using System.Security.Cryptography;

namespace OrleansAis.Storage;

/// <summary>
/// A streamed upload into a temp file on the object's mountpath. <see cref="CommitAsync"/> fsyncs it, moves it next
/// to the object as the new version's data file and then renames the new metadata over the old (the commit point);
/// disposing an uncommitted writer deletes the temp file, so a failed or aborted upload never becomes visible.
/// </summary>
public sealed class ObjectWriter : IAsyncDisposable
{
    private readonly LocalObjectStore _store;
    private readonly PutOptions _options;
    private readonly string _tempPath;
    private readonly string _metaPath;
    private readonly XxHash64 _hash = new();
    // The S3 entity tag: computed from the same buffers as the checksum while the upload streams, never by a second read.
    private readonly IncrementalHash? _md5;
    private readonly long _started = StoreMetrics.Now();
    private FileStream? _file;
    private bool _done;

    internal ObjectWriter(LocalObjectStore store, string bucket, string name, PutOptions options)
    {
        _store = store;
        Bucket = bucket;
        Name = name;
        _options = options;
        _tempPath = store.NewTempPath(bucket, name);
        _metaPath = store.MetaPathOf(bucket, name);
        _md5 = options.ContentMd5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        // Synchronous writes: on Linux an "asynchronous" file write is the same write on a thread-pool thread, plus the hop.
        _file = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.None);
    }

    private string MetaTempPath => _tempPath + ".meta";

    public string Bucket { get; }
    public string Name { get; }
    public long BytesWritten { get; private set; }

    /// <summary>Set when moving an existing object between nodes: the copy keeps its version and modification time.</summary>
    internal PreservedMeta? Preserved { get; init; }

    /// <summary>Set by a multipart completion: the object's ETag is S3's multipart form instead of the content's MD5.</summary>
    internal string? MultipartETag { get; set; }

    /// <summary>Set with <see cref="MultipartETag"/>: the parts' sizes, in order.</summary>
    internal long[]? PartSizes { get; set; }

    /// <summary>The checksum to store with the content, once it is known (else <see cref="PutOptions.ContentChecksum"/>).</summary>
    internal ObjectChecksum? ContentChecksum { get; set; }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        var file = _file ?? throw new InvalidOperationException("the upload is already committed or aborted");
        if (_options.ExpectedSize is { } expected && BytesWritten + data.Length > expected)
            throw Fail(OaisErrorCode.InvalidArgument, $"upload is larger than the declared {expected} bytes");
        ct.ThrowIfCancellationRequested();
        _hash.Append(data.Span);
        _md5?.AppendData(data.Span);
        file.Write(data.Span);
        BytesWritten += data.Length;
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Makes the upload the object's content. A user write (not a copy between nodes) is then passed to the store's
    /// <see cref="IWriteObserver"/> (mirroring); if that fails the object stays committed here and the call fails.
    /// </summary>
    public async Task<ObjectMeta> CommitAsync(CancellationToken ct = default)
    {
        var meta = await CommitLocallyAsync(ct);
        if (Preserved is null) await _store.AfterUserWriteAsync(meta, ct);
        return meta;
    }

    private async Task<ObjectMeta> CommitLocallyAsync(CancellationToken ct)
    {
        var file = _file ?? throw new InvalidOperationException("the upload is already committed or aborted");
        var checksum = _hash.GetCurrentHashAsUInt64().ToString("x16");
        var md5 = _md5 is null ? null : Convert.ToHexStringLower(_md5.GetHashAndReset());
        if (_options.ExpectedSize is { } size && size != BytesWritten)
            throw Fail(OaisErrorCode.InvalidArgument, $"upload has {BytesWritten} bytes but {size} were declared");
        if (_options.ExpectedChecksum is { } want && !string.Equals(want, checksum, StringComparison.OrdinalIgnoreCase))
            throw Fail(OaisErrorCode.ChecksumMismatch, $"content checksum {checksum} does not match the expected {want}");

        var gate = _store.LockFor(Bucket, Name);
        await gate.WaitAsync(ct);
        try
        {
            // The version counts overwrites of this name; read under the key lock so concurrent commits stay ordered.
            var previous = ObjectFile.ReadMeta(_metaPath) is { } found && found.Name == Name ? found : null;
            _options.Condition?.EnsureWritable(Bucket, Name, previous is null ? null : _store.ToMeta(Bucket, previous));
            if (Preserved is { } incoming && previous is { } newer && newer.Modified > incoming.Modified)
            {
                // Last writer wins across nodes, decided under the key lock: a copy arriving from another node (a move,
                // a mirror, a rejoin) never replaces a write made here after it.
                Abort();
                return _store.ToMeta(Bucket, newer);
            }
            if (Preserved is { } copied && _store.DeletedAt(Bucket, Name) is { } deleted && deleted >= copied.Modified)
            {
                // Nor a delete made here after it: the copy is of an object that no longer exists.
                Abort();
                throw new OaisException(OaisErrorCode.ObjectNotFound, $"object '{Bucket}/{Name}' was deleted at {deleted:O}, after this copy was written");
            }
            if (Preserved is null) _store.Deletes.Forget(Bucket, Name); // a new write replaces an earlier delete
            var stored = new ObjectFile.StoredMeta
            {
                Name = Name, Size = BytesWritten, Checksum = checksum,
                ContentType = string.IsNullOrEmpty(_options.ContentType) ? "application/octet-stream" : _options.ContentType,
                Custom = _options.Custom is null ? [] : new Dictionary<string, string>(_options.Custom),
                Version = Preserved?.Version ?? (previous?.Version ?? 0) + 1,
                Modified = Preserved?.Modified ?? DateTimeOffset.UtcNow,
                Md5 = Preserved is { } preserved ? preserved.Md5 : md5,
                MultipartETag = Preserved is { } kept ? kept.MultipartETag : MultipartETag,
                PartSizes = Preserved is { } parts ? parts.PartSizes : PartSizes,
                Headers = _options.Headers is { Count: > 0 } headers ? new Dictionary<string, string>(headers) : null,
                ContentChecksum = ContentChecksum ?? _options.ContentChecksum,
            };
            // Both files must be durable before the renames; their two fsyncs run at once (one journal commit, usually),
            // so a put waits for the disk about once instead of twice.
            var metaTemp = MetaTempPath;
            var metaWritten = Task.Run(() =>
            {
                using var metaFile = new FileStream(metaTemp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
                metaFile.Write(ObjectFile.Serialize(stored));
                metaFile.Flush(flushToDisk: true);
            }, CancellationToken.None);
            try
            {
                file.Flush(flushToDisk: true);
            }
            finally
            {
                await metaWritten.ContinueWith(_ => { }, TaskScheduler.Default); // never leave it running behind a failure
            }
            await metaWritten;
            await file.DisposeAsync();
            _file = null;
            Directory.CreateDirectory(Path.GetDirectoryName(_metaPath)!);
            File.Move(_tempPath, ObjectFile.DataPath(_metaPath, stored.Version), overwrite: true);
            var meta = _store.ToMeta(Bucket, stored);
            _store.Publish(_metaPath, meta, () => File.Move(metaTemp, _metaPath, overwrite: true)); // the commit point
            _done = true;
            // Older versions (and data left by a crash between the two renames) are unreachable now.
            foreach (var stale in ObjectFile.OtherDataFiles(_metaPath, stored.Version)) File.Delete(stale);
            _store.Committed(meta, StoreMetrics.Since(_started));
            return meta;
        }
        catch
        {
            _store.Failed("put");
            Abort();
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Discards the upload; nothing of it stays visible.</summary>
    public void Abort()
    {
        if (_done) return;
        _done = true;
        _md5?.Dispose();
        _file?.Dispose();
        _file = null;
        try
        {
            File.Delete(_tempPath);
            File.Delete(MetaTempPath);
        }
        catch (IOException) { /* removed at next start with the rest of .tmp */ }
    }

    public ValueTask DisposeAsync()
    {
        Abort();
        _md5?.Dispose();
        return ValueTask.CompletedTask;
    }

    private OaisException Fail(OaisErrorCode code, string message)
    {
        _store.Failed("put");
        Abort();
        return new OaisException(code, message);
    }
}

/// <summary>What a copy between nodes keeps of its source: version, modification time and entity tag.</summary>
internal sealed record PreservedMeta(long Version, DateTimeOffset Modified, string? Md5, string? MultipartETag, long[]? PartSizes);
