using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansAis.Naming;

namespace OrleansAis.Storage;

public enum MultipartProblem
{
    NoSuchUpload,
    InvalidPart,
    InvalidPartOrder,
    EntityTooSmall,
}

/// <summary>A multipart upload request that cannot be honoured; <see cref="Problem"/> says why in S3's terms.</summary>
public sealed class MultipartUploadException(MultipartProblem problem, string uploadId, string message) : Exception(message)
{
    public MultipartProblem Problem { get; } = problem;
    public string UploadId { get; } = uploadId;
}

/// <summary>
/// What an upload will become: the object's name and the metadata given when it was started; with
/// <paramref name="ChecksumAlgorithm"/> (an S3 x-amz-checksum-* algorithm), every part keeps that checksum and the object
/// gets one of <paramref name="ChecksumType"/> (<see cref="ObjectChecksum.FullObject"/> or <see cref="ObjectChecksum.Composite"/>).
/// </summary>
public sealed record MultipartUpload(string Bucket, string Name, string? ContentType, Dictionary<string, string> Custom, DateTimeOffset Initiated,
    Dictionary<string, string>? Headers = null, string? ChecksumAlgorithm = null, string? ChecksumType = null);

/// <summary>A stored part; <see cref="ETag"/> is the quoted MD5 of its bytes, as in S3; <see cref="Checksum"/> the base64 checksum of the upload's algorithm.</summary>
public sealed record UploadedPart(int Number, long Size, string ETag, DateTimeOffset Modified, string? Checksum = null);

/// <summary>
/// Multipart uploads in progress on this node. Each upload is a folder in the temp area of the mountpath that will hold
/// the final object (<c>{mountpath}/.tmp/multipart/{id}</c>: the upload description and one file per part), so
/// completing it is a local sequential copy of the parts through one <see cref="ObjectWriter"/>: the object appears
/// atomically, and nothing of an aborted or failed upload is ever visible. The temp area is cleared when the silo
/// starts, so unfinished uploads do not survive a restart.
/// </summary>
public sealed class MultipartUploads(LocalObjectStore store)
{
    public const int MaxPartNumber = 10_000;
    /// <summary>Every part but the last must be at least this large (S3's rule; keeps part counts sane).</summary>
    public const long MinPartBytes = 5L << 20;

    private const string Folder = "multipart";
    private const string DescriptionFile = "upload.json";
    /// <summary>Completed uploads: what a retried Complete with the same parts is answered with (cleared, like the rest, at start).</summary>
    private const string CompletedFolder = "completed";
    private const string PartExtension = ".part";
    private const int CopyBufferBytes = 1 << 20;

    /// <summary>One gate per upload: part replacement, completion and abort of the same upload do not interleave.</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>Starts an upload of <c>bucket/name</c>; returns its id (32 hex digits).</summary>
    public async Task<string> CreateAsync(string bucket, string name, PutOptions options, CancellationToken ct = default,
        string? checksumAlgorithm = null, string? checksumType = null)
    {
        if (checksumAlgorithm is not null && ContentHash.For(checksumAlgorithm) is null)
            throw new OaisException(OaisErrorCode.InvalidArgument, $"checksum algorithm '{checksumAlgorithm}' is not one of {string.Join(", ", ContentHash.ChecksumAlgorithms)}");
        Names.EnsureValidBucketName(bucket);
        Names.EnsureValidObjectName(name);
        var id = Guid.NewGuid().ToString("N");
        var folder = Path.Combine(store.MountpathOf(bucket, name), LocalObjectStore.TempFolder, Folder, id);
        Directory.CreateDirectory(folder);
        var upload = new MultipartUpload(bucket, name, options.ContentType,
            options.Custom is null ? [] : new Dictionary<string, string>(options.Custom), DateTimeOffset.UtcNow,
            options.Headers is null ? null : new Dictionary<string, string>(options.Headers), checksumAlgorithm?.ToLowerInvariant(),
            checksumAlgorithm is null ? null : checksumType ?? ObjectChecksum.Composite);
        await File.WriteAllBytesAsync(Path.Combine(folder, DescriptionFile), JsonSerializer.SerializeToUtf8Bytes(upload), ct);
        return id;
    }

    /// <summary>The upload, in progress or completed (so a retried Complete finds it).</summary>
    public MultipartUpload Describe(string uploadId) =>
        TryFolderOf(uploadId) is { } folder ? ReadDescription(uploadId, folder) : ReadCompleted(uploadId)?.Upload ?? throw NoSuchUpload(uploadId);

    /// <summary>
    /// Stores part <paramref name="number"/>, replacing an earlier upload of the same number. <paramref name="checksumAtEnd"/>,
    /// asked once the content was read to its end, gives the part's checksum (base64) of the upload's algorithm.
    /// </summary>
    public async Task<UploadedPart> WritePartAsync(string uploadId, int number, Stream content, long? expectedSize, CancellationToken ct = default,
        Func<string?>? checksumAtEnd = null)
    {
        if (number is < 1 or > MaxPartNumber)
            throw new OaisException(OaisErrorCode.InvalidArgument, $"part number {number} is outside 1..{MaxPartNumber}");
        var folder = FolderOf(uploadId);
        var temp = Path.Combine(folder, $"{number:D5}-{Guid.NewGuid():N}.tmp");
        try
        {
            var (size, checksum) = await CopyHashedAsync(content, temp, ct);
            if (expectedSize is { } expected && expected != size)
                throw new OaisException(OaisErrorCode.InvalidArgument, $"part {number} has {size} bytes but {expected} were declared");
            var extra = checksumAtEnd?.Invoke();
            var fileName = $"{number:D5}-{checksum}" + (extra is null ? "" : "." + ToFileForm(extra)) + PartExtension;
            var gate = GateOf(uploadId);
            await gate.WaitAsync(ct);
            try
            {
                if (!Directory.Exists(folder)) throw NoSuchUpload(uploadId); // completed or aborted meanwhile
                foreach (var old in PartFiles(folder).Where(p => p.Number == number)) File.Delete(old.Path);
                File.Move(temp, Path.Combine(folder, fileName));
            }
            finally
            {
                gate.Release();
            }
            return new UploadedPart(number, size, Quote(checksum), DateTimeOffset.UtcNow, extra);
        }
        catch (DirectoryNotFoundException)
        {
            throw NoSuchUpload(uploadId); // aborted while the part was arriving
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The uploads of <paramref name="bucket"/> in progress on this node whose keys start with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<(string Id, MultipartUpload Upload)> List(string bucket, string prefix)
    {
        var found = new List<(string, MultipartUpload)>();
        foreach (var mp in store.Mountpaths)
        {
            var root = Path.Combine(mp, LocalObjectStore.TempFolder, Folder);
            if (!Directory.Exists(root)) continue;
            foreach (var folder in Directory.EnumerateDirectories(root))
            {
                var id = Path.GetFileName(folder);
                if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower)) continue; // the completed-uploads folder
                try
                {
                    var upload = ReadDescription(id, folder);
                    if (upload.Bucket == bucket && upload.Name.StartsWith(prefix, StringComparison.Ordinal)) found.Add((id, upload));
                }
                catch (Exception e) when (e is MultipartUploadException or JsonException or IOException)
                {
                    // being created, completed or aborted while listing
                }
            }
        }
        return found;
    }

    public IReadOnlyList<UploadedPart> ListParts(string uploadId) =>
        PartFiles(FolderOf(uploadId)).OrderBy(p => p.Number).Select(p => p.Describe()).ToList();

    /// <summary>
    /// Joins the listed parts, in order, into the object and ends the upload. On any failure the object is unchanged
    /// and the upload stays as it was (the client may retry or abort).
    /// </summary>
    /// <remarks><paramref name="condition"/> (If-Match, If-None-Match: *) is checked against the object at commit, under its key lock.</remarks>
    /// <remarks>
    /// For an upload with a checksum algorithm, <paramref name="partChecksums"/> holds the part checksums the client
    /// listed (each must be the stored one), and <paramref name="statedChecksum"/> the full-object checksum it stated
    /// (checked against the content before the object is committed).
    /// </remarks>
    public async Task<ObjectMeta> CompleteAsync(string uploadId, IReadOnlyList<(int Number, string ETag)> parts, CancellationToken ct = default,
        ObjectCondition? condition = null, IReadOnlyDictionary<int, string>? partChecksums = null, string? statedChecksum = null)
    {
        var gate = GateOf(uploadId);
        await gate.WaitAsync(ct);
        try
        {
            if (TryFolderOf(uploadId) is not { } folder || !Directory.Exists(folder))
            {
                // Completed already: a retry of the same Complete (its answer was lost) gets the same answer, as in S3.
                var completed = ReadCompleted(uploadId) ?? throw NoSuchUpload(uploadId);
                if (!completed.Parts.Select(p => (p.Number, p.ETag.Trim('"'))).SequenceEqual(parts.Select(p => (p.Number, p.ETag.Trim('"')))))
                    throw new MultipartUploadException(MultipartProblem.InvalidPart, uploadId,
                        $"upload '{uploadId}' was completed with other parts; a retried Complete must list the same parts");
                return completed.Result;
            }
            var upload = ReadDescription(uploadId, folder);
            var chosen = ChooseParts(uploadId, folder, parts);
            CheckPartChecksums(uploadId, upload, chosen, partChecksums);
            var options = new PutOptions
            {
                ContentType = upload.ContentType, Custom = upload.Custom, ExpectedSize = chosen.Sum(p => p.Size), Condition = condition,
                Headers = upload.Headers,
                ContentMd5 = false, // its entity tag is the multipart form, made from the parts' MD5s
            };
            // A full-object checksum is the checksum of the content, computed as the parts stream into the object.
            var fullObject = upload is { ChecksumAlgorithm: { } algorithm, ChecksumType: ObjectChecksum.FullObject } ? ContentHash.For(algorithm) : null;
            await using var writer = store.BeginWrite(upload.Bucket, upload.Name, options);
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
            try
            {
                foreach (var part in chosen)
                {
                    await using var file = new FileStream(part.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    int read;
                    while ((read = await file.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), ct)) > 0)
                    {
                        fullObject?.Append(buffer.AsSpan(0, read));
                        await writer.WriteAsync(buffer.AsMemory(0, read), ct);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            writer.ContentChecksum = ChecksumOf(uploadId, upload, chosen, fullObject, statedChecksum);
            writer.MultipartETag = MultipartETagOf(chosen);
            writer.PartSizes = chosen.Select(p => p.Size).ToArray();
            var meta = await writer.CommitAsync(ct);
            await RecordCompletedAsync(folder, uploadId, new CompletedUpload(upload, parts.Select(p => new CompletedPart(p.Number, p.ETag)).ToList(), meta));
            Directory.Delete(folder, recursive: true);
            _gates.TryRemove(uploadId, out _); // a retry now finds the record, whichever gate it waits on
            return meta;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task AbortAsync(string uploadId, CancellationToken ct = default)
    {
        var folder = FolderOf(uploadId);
        var gate = GateOf(uploadId);
        await gate.WaitAsync(ct);
        try
        {
            if (!Directory.Exists(folder)) throw NoSuchUpload(uploadId);
            Directory.Delete(folder, recursive: true);
            _gates.TryRemove(uploadId, out _);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Aborts the uploads started before <paramref name="cutoff"/> (abandoned: their parts would fill the disk forever),
    /// and forgets completions recorded before it. Returns how many uploads were aborted.
    /// </summary>
    public async Task<int> ExpireAsync(DateTimeOffset cutoff, CancellationToken ct = default)
    {
        var aborted = 0;
        foreach (var mp in store.Mountpaths)
        {
            var root = Path.Combine(mp, LocalObjectStore.TempFolder, Folder);
            if (!Directory.Exists(root)) continue;
            foreach (var folder in Directory.EnumerateDirectories(root).ToList())
            {
                var id = Path.GetFileName(folder);
                if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower)) continue; // the completed-uploads folder
                try
                {
                    if (ReadDescription(id, folder).Initiated >= cutoff) continue;
                    await AbortAsync(id, ct);
                    aborted++;
                }
                catch (Exception e) when (e is MultipartUploadException or JsonException or IOException)
                {
                    // completed, aborted or still being created meanwhile
                }
            }
            var completed = Path.Combine(root, CompletedFolder);
            if (!Directory.Exists(completed)) continue;
            foreach (var record in Directory.EnumerateFiles(completed).Where(f => File.GetLastWriteTimeUtc(f) < cutoff.UtcDateTime).ToList())
            {
                try
                {
                    File.Delete(record);
                }
                catch (IOException)
                {
                    // removed meanwhile
                }
            }
        }
        return aborted;
    }

    /// <summary>What a completed upload was completed with, and its answer (kept in the temp area until the silo restarts).</summary>
    public sealed record CompletedUpload(MultipartUpload Upload, List<CompletedPart> Parts, ObjectMeta Result);

    public sealed record CompletedPart(int Number, string ETag);

    private static async Task RecordCompletedAsync(string uploadFolder, string uploadId, CompletedUpload completed)
    {
        var folder = Path.Combine(Path.GetDirectoryName(uploadFolder)!, CompletedFolder);
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $"{uploadId}.{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(completed));
        File.Move(temp, Path.Combine(folder, uploadId + ".json"), overwrite: true);
    }

    private CompletedUpload? ReadCompleted(string uploadId)
    {
        if (uploadId.Length != 32 || !uploadId.All(char.IsAsciiHexDigitLower)) return null;
        foreach (var mp in store.Mountpaths)
        {
            var path = Path.Combine(mp, LocalObjectStore.TempFolder, Folder, CompletedFolder, uploadId + ".json");
            try
            {
                return JsonSerializer.Deserialize<CompletedUpload>(File.ReadAllBytes(path));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // not on this mountpath
            }
        }
        return null;
    }

    /// <summary>The stored parts named by the client, checked the way S3 checks them.</summary>
    private static List<PartFile> ChooseParts(string uploadId, string folder, IReadOnlyList<(int Number, string ETag)> parts)
    {
        var stored = PartFiles(folder).ToDictionary(p => p.Number);
        var chosen = new List<PartFile>(parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var (number, etag) = parts[i];
            if (i > 0 && number <= parts[i - 1].Number)
                throw new MultipartUploadException(MultipartProblem.InvalidPartOrder, uploadId, "parts must be listed in ascending order of part number, each once");
            if (!stored.TryGetValue(number, out var part) || part.Md5 != etag.Trim('"'))
                throw new MultipartUploadException(MultipartProblem.InvalidPart, uploadId, $"part {number} with ETag {etag} was not uploaded (or was replaced)");
            chosen.Add(part);
        }
        var small = chosen.SkipLast(1).FirstOrDefault(p => p.Size < MinPartBytes);
        if (small is not null)
            throw new MultipartUploadException(MultipartProblem.EntityTooSmall, uploadId,
                $"part {small.Number} has {small.Size} bytes; every part but the last needs at least {MinPartBytes}");
        return chosen;
    }

    /// <summary>Every part of an upload with a checksum algorithm has its checksum; those the client listed must be the stored ones.</summary>
    private static void CheckPartChecksums(string uploadId, MultipartUpload upload, List<PartFile> chosen, IReadOnlyDictionary<int, string>? stated)
    {
        if (upload.ChecksumAlgorithm is not { } algorithm) return;
        foreach (var part in chosen)
        {
            if (part.Checksum is null)
                throw new MultipartUploadException(MultipartProblem.InvalidPart, uploadId, $"part {part.Number} was uploaded without its {algorithm} checksum");
            if (stated is not null && stated.TryGetValue(part.Number, out var given) && given != part.Checksum)
                throw new MultipartUploadException(MultipartProblem.InvalidPart, uploadId,
                    $"the {algorithm} checksum listed for part {part.Number} ({given}) is not the part's ({part.Checksum})");
        }
    }

    /// <summary>
    /// The object's checksum: of its content (full object, computed while completing; a stated one must match), or S3's
    /// composite form, the checksum of the parts' binary checksums, then <c>-N</c>.
    /// </summary>
    private static ObjectChecksum? ChecksumOf(string uploadId, MultipartUpload upload, List<PartFile> chosen, ContentHash? fullObject, string? stated)
    {
        if (upload.ChecksumAlgorithm is not { } algorithm) return null;
        if (fullObject is not null)
        {
            var value = Convert.ToBase64String(fullObject.Finish());
            if (stated is not null && stated != value)
                throw new OaisException(OaisErrorCode.ChecksumMismatch, $"the {algorithm} checksum stated for the whole object ({stated}) is not its content's ({value})");
            return new ObjectChecksum(algorithm, value, ObjectChecksum.FullObject);
        }
        var composite = ContentHash.For(algorithm)!;
        foreach (var part in chosen) composite.Append(Convert.FromBase64String(part.Checksum!));
        return new ObjectChecksum(algorithm, $"{Convert.ToBase64String(composite.Finish())}-{chosen.Count}", ObjectChecksum.Composite);
    }

    /// <summary>A part's base64 checksum as a file-name piece: base64url (no '/'), which has no '.' either.</summary>
    private static string ToFileForm(string base64) => base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string FromFileForm(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return base64 + new string('=', (4 - base64.Length % 4) % 4);
    }

    /// <summary>S3's ETag of a multipart object: the MD5 of the parts' binary MD5s, one after the other, then "-" and the part count.</summary>
    internal static string MultipartETagOf(IReadOnlyList<PartFile> parts)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var part in parts) md5.AppendData(Convert.FromHexString(part.Md5));
        return $"{Convert.ToHexStringLower(md5.GetHashAndReset())}-{parts.Count}";
    }

    private static async Task<(long Size, string Checksum)> CopyHashedAsync(Stream content, string path, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), ct)) > 0)
            {
                hash.AppendData(buffer.AsSpan(0, read));
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
                size += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>The upload's folder; ids are validated first, so a crafted id cannot point outside the temp area.</summary>
    private string FolderOf(string uploadId) => TryFolderOf(uploadId) ?? throw NoSuchUpload(uploadId);

    private string? TryFolderOf(string uploadId)
    {
        if (uploadId.Length != 32 || !uploadId.All(char.IsAsciiHexDigitLower)) return null;
        return store.Mountpaths.Select(mp => Path.Combine(mp, LocalObjectStore.TempFolder, Folder, uploadId)).FirstOrDefault(Directory.Exists);
    }

    private static MultipartUpload ReadDescription(string uploadId, string folder)
    {
        try
        {
            return JsonSerializer.Deserialize<MultipartUpload>(File.ReadAllBytes(Path.Combine(folder, DescriptionFile)))
                ?? throw new InvalidDataException($"upload {uploadId} has an empty description");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NoSuchUpload(uploadId);
        }
    }

    private SemaphoreSlim GateOf(string uploadId) => _gates.GetOrAdd(uploadId, _ => new SemaphoreSlim(1, 1));

    private static IEnumerable<PartFile> PartFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*" + PartExtension).Select(PartFile.Parse);

    private static string Quote(string checksum) => $"\"{checksum}\"";

    private static MultipartUploadException NoSuchUpload(string uploadId) =>
        new(MultipartProblem.NoSuchUpload, uploadId, $"upload '{uploadId}' does not exist");

    /// <summary>
    /// A part on disk, named <c>{number:D5}-{md5}.part</c>, or <c>{number:D5}-{md5}.{checksum}.part</c> when the upload
    /// keeps a checksum of each part (<see cref="Md5"/> is the part's ETag; <see cref="Checksum"/> base64).
    /// </summary>
    internal sealed record PartFile(string Path, int Number, string Md5, long Size, string? Checksum)
    {
        public static PartFile Parse(string path)
        {
            var name = System.IO.Path.GetFileNameWithoutExtension(path);
            var dash = name.IndexOf('-');
            var dot = name.IndexOf('.', dash + 1);
            return new PartFile(path, int.Parse(name[..dash]), dot < 0 ? name[(dash + 1)..] : name[(dash + 1)..dot], new FileInfo(path).Length,
                dot < 0 ? null : FromFileForm(name[(dot + 1)..]));
        }

        public UploadedPart Describe() => new(Number, Size, Quote(Md5), File.GetLastWriteTimeUtc(Path), Checksum);
    }
}
