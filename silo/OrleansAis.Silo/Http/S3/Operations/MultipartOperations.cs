using System.Globalization;
using OrleansAis.Buckets;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Rebalancing;
using OrleansAis.Silo.Http.S3.Auth;
using OrleansAis.Silo.Http.S3.Payload;
using OrleansAis.Silo.Http.S3.Xml;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>
/// Multipart upload: Create (on the key's owner), UploadPart, ListParts, Complete and Abort (on the silo named in the
/// upload id, which holds the parts). Other silos proxy these calls there, so parts and the final object never cross
/// silos as grain messages.
/// </summary>
public sealed class MultipartOperations(
    OwnerRouting routing, ClusterMap cluster, BucketCatalog buckets, MultipartUploads uploads, CopyOperations copies, IGrainFactory grains)
{
    private const int MaxUploadsPerPage = 1000;

    /// <summary>
    /// ListMultipartUploads (<c>GET /B?uploads</c>): the uploads in progress on every silo, in key then upload-id order,
    /// with <c>prefix</c>, <c>delimiter</c>, <c>max-uploads</c>, <c>key-marker</c> and <c>upload-id-marker</c>.
    /// </summary>
    public async Task ListUploadsAsync(S3Request request)
    {
        request.EnsureValidBucket();
        await buckets.Require(request.Bucket);
        var prefix = request.Query("prefix") ?? "";
        var delimiter = request.Query("delimiter") is { Length: > 0 } d ? d : null;
        var max = Math.Min(ParseCount(request.Query("max-uploads"), "max-uploads") ?? MaxUploadsPerPage, MaxUploadsPerPage);
        var keyMarker = request.Query("key-marker") ?? "";
        var idMarker = request.Query("upload-id-marker") ?? "";
        var nodes = cluster.Current.ActiveNodes.ToList();
        var perNode = await Task.WhenAll(nodes.Select(n => grains.GetGrain<INodeStoreGrain>(n.NodeId).ListUploads(request.Bucket, prefix)));
        var all = perNode.SelectMany(u => u)
            .Select(u => (u.Key, Id: S3UploadId.Format(u.NodeId, u.LocalId), u.Initiated, u.ChecksumAlgorithm, u.ChecksumType))
            .Where(u => string.CompareOrdinal(u.Key, keyMarker) > 0
                || (u.Key == keyMarker && keyMarker.Length > 0 && idMarker.Length > 0 && string.CompareOrdinal(u.Id, idMarker) > 0))
            .OrderBy(u => u.Key, StringComparer.Ordinal).ThenBy(u => u.Id, StringComparer.Ordinal).ToList();

        // With a delimiter, keys with it after the prefix roll up into one common prefix (counted once toward max-uploads).
        var entries = new List<object>();
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        (string Key, string Id)? last = null;
        var truncated = false;
        foreach (var upload in all)
        {
            var common = delimiter is not null && upload.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal) is var at and >= 0
                ? upload.Key[..(at + delimiter.Length)] : null;
            if (common is not null && prefixes.Contains(common)) continue;
            if (entries.Count == max)
            {
                truncated = true;
                break;
            }
            if (common is not null)
            {
                prefixes.Add(common);
                entries.Add(S3Xml.Element("CommonPrefixes", S3Xml.Element("Prefix", common)));
            }
            else
            {
                entries.Add(S3Xml.Element("Upload",
                    S3Xml.Element("Key", upload.Key),
                    S3Xml.Element("UploadId", upload.Id),
                    S3Xml.Element("Initiator", S3Xml.Element("ID", BucketOperations.OwnerId), S3Xml.Element("DisplayName", BucketOperations.OwnerId)),
                    BucketOperations.Owner(),
                    S3Xml.Element("StorageClass", "STANDARD"),
                    S3Xml.Element("Initiated", S3Xml.Time(upload.Initiated)),
                    S3Xml.Optional("ChecksumAlgorithm", upload.ChecksumAlgorithm?.ToUpperInvariant()),
                    S3Xml.Optional("ChecksumType", upload.ChecksumType)));
            }
            last = (common ?? upload.Key, upload.Id);
        }
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("ListMultipartUploadsResult",
            S3Xml.Element("Bucket", request.Bucket),
            S3Xml.Element("KeyMarker", keyMarker),
            S3Xml.Element("UploadIdMarker", idMarker),
            S3Xml.Optional("NextKeyMarker", truncated ? last?.Key : null),
            S3Xml.Optional("NextUploadIdMarker", truncated ? last?.Id : null),
            S3Xml.Element("Prefix", prefix),
            S3Xml.Optional("Delimiter", delimiter),
            S3Xml.Element("MaxUploads", max),
            S3Xml.Element("IsTruncated", S3Xml.Bool(truncated)),
            entries));
    }

    private const int MaxCompleteBodyBytes = 4 << 20;
    private const int MaxPartsPerPage = 1000;

    public async Task CreateAsync(S3Request request)
    {
        request.EnsureValidObject();
        if (await routing.ProxiedToOwnerAsync(request.Context, request.Bucket, request.Key)) return;
        await buckets.Require(request.Bucket);
        var (algorithm, type) = ChecksumOfUpload(request);
        var localId = await uploads.CreateAsync(request.Bucket, request.Key, S3ObjectHeaders.ReadPutOptions(request.Http, expectedSize: null), request.Aborted,
            algorithm, type);
        if (algorithm is not null)
        {
            request.Response.Headers[S3Headers.ChecksumAlgorithm] = algorithm.ToUpperInvariant();
            request.Response.Headers[S3Headers.ChecksumType] = type;
        }
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("InitiateMultipartUploadResult",
            S3Xml.Element("Bucket", request.Bucket),
            S3Xml.Element("Key", request.Key),
            S3Xml.Element("UploadId", S3UploadId.Format(cluster.Local.NodeId, localId))));
    }

    public async Task UploadPartAsync(S3Request request)
    {
        request.EnsureValidObject();
        var number = request.Query("partNumber") is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n is >= 1 and <= MultipartUploads.MaxPartNumber
            ? n
            : throw S3Exception.InvalidArgument($"partNumber must be an integer from 1 to {MultipartUploads.MaxPartNumber}");
        request.AllowLargeBody();
        if (await LocalUploadAsync(request) is not { } uploadId) return;
        if (CopyOperations.IsCopy(request))
        {
            await copies.UploadPartCopyAsync(request, uploadId, number);
            return;
        }
        // An upload with a checksum algorithm keeps each part's checksum: the one the client sent (verified), else computed.
        var algorithm = uploads.Describe(uploadId).ChecksumAlgorithm;
        var body = S3Payload.Open(request.Context, request.Caller, algorithm);
        var part = await uploads.WritePartAsync(uploadId, number, body.Content, body.Length, request.Aborted,
            algorithm is null ? null : () => body.Checksum(algorithm)?.Value);
        request.Response.Headers.ETag = part.ETag;
        if (algorithm is not null) request.Response.Headers[S3Headers.ChecksumPrefix + algorithm] = part.Checksum;
    }

    /// <summary>
    /// CreateMultipartUpload's <c>x-amz-checksum-algorithm</c> and <c>x-amz-checksum-type</c>, checked as S3 checks them:
    /// CRC-64/NVME is only full-object, SHA-1 and SHA-256 only composite; CRC-32 and CRC-32C either (composite by default).
    /// </summary>
    private static (string? Algorithm, string? Type) ChecksumOfUpload(S3Request request)
    {
        var algorithm = request.Http.Headers[S3Headers.ChecksumAlgorithm].ToString().ToLowerInvariant();
        var type = request.Http.Headers[S3Headers.ChecksumType].ToString().ToUpperInvariant();
        if (algorithm.Length == 0)
            return type.Length == 0 ? (null, null) : throw S3Exception.InvalidRequest($"{S3Headers.ChecksumType} needs {S3Headers.ChecksumAlgorithm}");
        if (!ContentHash.ChecksumAlgorithms.Contains(algorithm))
            throw S3Exception.InvalidRequest($"Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
        if (type.Length == 0) type = algorithm == "crc64nvme" ? ObjectChecksum.FullObject : ObjectChecksum.Composite;
        if (type is not (ObjectChecksum.FullObject or ObjectChecksum.Composite))
            throw S3Exception.InvalidRequest($"Value for {S3Headers.ChecksumType} header is invalid: '{type}' is not FULL_OBJECT or COMPOSITE");
        if ((type == ObjectChecksum.Composite && algorithm == "crc64nvme") || (type == ObjectChecksum.FullObject && algorithm.StartsWith("sha", StringComparison.Ordinal)))
            throw S3Exception.InvalidRequest($"The {type} checksum type cannot be used with the {algorithm} checksum algorithm.");
        return (algorithm, type);
    }

    /// <summary>The XML element S3 names a checksum of <paramref name="algorithm"/> with (ChecksumCRC32, ...).</summary>
    public static string ChecksumElement(string algorithm) => "Checksum" + algorithm.ToUpperInvariant();

    public async Task CompleteAsync(S3Request request)
    {
        request.EnsureValidObject();
        if (await LocalUploadAsync(request) is not { } uploadId) return;
        await buckets.Require(request.Bucket);
        var (content, _) = S3Payload.Open(request.Context, request.Caller, checksumHeadersDescribeBody: false);
        var body = await S3Xml.ReadAsync(content, MaxCompleteBodyBytes, request.Aborted);
        var algorithm = uploads.Describe(uploadId).ChecksumAlgorithm;
        var listed = S3Xml.Children(body, "Part").Select(p =>
            (Number: int.TryParse(S3Xml.Child(p, "PartNumber"), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw S3Exception.MalformedXml("a <Part> has no valid <PartNumber>"),
             ETag: S3Xml.Child(p, "ETag") ?? throw S3Exception.MalformedXml("a <Part> has no <ETag>"),
             Checksum: algorithm is null ? null : S3Xml.Child(p, ChecksumElement(algorithm)))).ToList();
        if (listed.Count == 0) throw S3Exception.MalformedXml("CompleteMultipartUpload must list at least one part");
        var parts = listed.Select(p => (p.Number, p.ETag)).ToList();
        var partChecksums = listed.Where(p => p.Checksum is not null).GroupBy(p => p.Number).ToDictionary(g => g.Key, g => g.First().Checksum!);
        var stated = algorithm is null ? null : request.Http.Headers[S3Headers.ChecksumPrefix + algorithm].ToString() is { Length: > 0 } value ? value : null;

        var meta = await uploads.CompleteAsync(uploadId, parts, request.Aborted, ConditionHeaders.Read(request.Http.Headers, forWrite: true),
            partChecksums, stated);
        if (meta.ContentChecksum is { } checksum)
        {
            request.Response.Headers[S3Headers.ChecksumPrefix + checksum.Algorithm] = checksum.Value;
            request.Response.Headers[S3Headers.ChecksumType] = checksum.Type;
        }
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("CompleteMultipartUploadResult",
            S3Xml.Element("Location", $"{request.Http.Scheme}://{request.Http.Host}/{request.Bucket}/{SigV4.UriEncode(request.Key, encodeSlash: false)}"),
            S3Xml.Element("Bucket", request.Bucket),
            S3Xml.Element("Key", request.Key),
            S3Xml.Element("ETag", meta.ETag),
            meta.ContentChecksum is { } c ? S3Xml.Element(ChecksumElement(c.Algorithm), c.Value) : null,
            S3Xml.Optional("ChecksumType", meta.ContentChecksum?.Type)));
    }

    public async Task AbortAsync(S3Request request)
    {
        request.EnsureValidObject();
        if (await LocalUploadAsync(request) is not { } uploadId) return;
        await uploads.AbortAsync(uploadId, request.Aborted);
        request.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task ListPartsAsync(S3Request request)
    {
        request.EnsureValidObject();
        if (await LocalUploadAsync(request) is not { } uploadId) return;
        var marker = ParseCount(request.Query("part-number-marker"), "part-number-marker") ?? 0;
        var maxParts = Math.Min(ParseCount(request.Query("max-parts"), "max-parts") ?? MaxPartsPerPage, MaxPartsPerPage);
        var upload = uploads.Describe(uploadId);
        var after = uploads.ListParts(uploadId).Where(p => p.Number > marker).ToList();
        var page = after.Take(maxParts).ToList();
        var truncated = after.Count > page.Count;
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("ListPartsResult",
            S3Xml.Element("Bucket", request.Bucket),
            S3Xml.Element("Key", request.Key),
            S3Xml.Element("UploadId", request.Query("uploadId")),
            S3Xml.Element("PartNumberMarker", marker),
            S3Xml.Optional("NextPartNumberMarker", truncated ? page[^1].Number : null),
            S3Xml.Element("MaxParts", maxParts),
            S3Xml.Element("IsTruncated", S3Xml.Bool(truncated)),
            S3Xml.Element("StorageClass", "STANDARD"),
            BucketOperations.Owner(),
            S3Xml.Optional("ChecksumAlgorithm", upload.ChecksumAlgorithm?.ToUpperInvariant()),
            S3Xml.Optional("ChecksumType", upload.ChecksumType),
            page.Select(p => S3Xml.Element("Part",
                S3Xml.Element("PartNumber", p.Number),
                S3Xml.Element("LastModified", S3Xml.Time(p.Modified)),
                S3Xml.Element("ETag", p.ETag),
                S3Xml.Element("Size", p.Size),
                upload.ChecksumAlgorithm is { } a && p.Checksum is { } sum ? S3Xml.Element(ChecksumElement(a), sum) : null))));
    }

    /// <summary>
    /// The local id of the request's upload when this silo holds it (and it is an upload of this bucket and key);
    /// otherwise proxies the request to the silo that does and returns null.
    /// </summary>
    private async Task<string?> LocalUploadAsync(S3Request request)
    {
        var uploadId = request.Query("uploadId") ?? "";
        var (nodeId, localId) = S3UploadId.Parse(uploadId) ?? throw S3Exception.NoSuchUpload(uploadId);
        if (nodeId != cluster.Local.NodeId)
        {
            var holder = request.Forwarded ? null : cluster.Current.Node(nodeId) is { HttpUrl.Length: > 0 } node ? node : null;
            await routing.ProxyAsync(request.Context, holder ?? throw S3Exception.NoSuchUpload(uploadId));
            return null;
        }
        var upload = uploads.Describe(localId);
        if (upload.Bucket != request.Bucket || upload.Name != request.Key) throw S3Exception.NoSuchUpload(uploadId);
        return localId;
    }

    private static int? ParseCount(string? value, string name)
    {
        if (string.IsNullOrEmpty(value)) return null;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : throw S3Exception.InvalidArgument($"{name} '{value}' is not a non-negative number");
    }
}
