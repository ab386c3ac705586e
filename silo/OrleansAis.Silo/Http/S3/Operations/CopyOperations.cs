using System.Text.RegularExpressions;
using OrleansAis.Buckets;
using OrleansAis.Naming;
using OrleansAis.Silo.Http.S3.Payload;
using OrleansAis.Silo.Http.S3.Xml;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>
/// CopyObject and UploadPartCopy (<c>x-amz-copy-source</c>). The request is served by the destination's owner (the
/// object's owner for CopyObject, the upload's silo for UploadPartCopy; other silos proxy it there, as a PUT), which
/// reads the source from its own disk or streams it from the source's owner (<see cref="CopySource"/>): the bytes
/// travel owner to owner once, never through the silo that received the request and never whole in memory.
/// </summary>
public sealed partial class CopyOperations(BucketCatalog buckets, LocalObjectStore store, MultipartUploads uploads, CopySource sources)
{
    public const string CopySourceHeader = S3Headers.CopySource;
    private const string CopySourcePrefix = S3Headers.CopySourcePrefix;
    private const string MetadataDirectiveHeader = S3Headers.MetadataDirective;

    public static bool IsCopy(S3Request request) => request.Http.Headers.ContainsKey(CopySourceHeader);

    /// <summary>CopyObject, on the destination's owner.</summary>
    public async Task CopyObjectAsync(S3Request request)
    {
        var (bucket, key) = ParseSource(request);
        var directive = request.Http.Headers[MetadataDirectiveHeader].ToString() switch
        {
            "" or "COPY" => "COPY",
            "REPLACE" => "REPLACE",
            var other => throw S3Exception.InvalidArgument($"{MetadataDirectiveHeader}: '{other}' is not COPY or REPLACE"),
        };
        if (bucket == request.Bucket && key == request.Key && directive == "COPY")
            throw S3Exception.InvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the " +
                $"object's metadata, storage class, website redirect location or encryption attributes (send {MetadataDirectiveHeader}: REPLACE)");
        await buckets.Require(request.Bucket);
        var replaced = directive == "REPLACE" ? S3ObjectHeaders.ReadPutOptions(request.Http, expectedSize: null) : null;

        await using var source = await sources.OpenAsync(bucket, key, range: null, SourceCondition(request), request.Aborted);
        var options = new PutOptions
        {
            ContentType = replaced is null ? source.Meta.ContentType : replaced.ContentType,
            Custom = replaced is null ? source.Meta.Custom : replaced.Custom,
            Headers = replaced is null ? source.Meta.Headers : replaced.Headers,
            ExpectedSize = source.Length,
            Condition = ConditionHeaders.Read(request.Http.Headers, forWrite: true),
            // The same bytes have the same full-object checksum; a composite one describes parts the copy does not have.
            ContentChecksum = source.Meta.ContentChecksum is { Type: ObjectChecksum.FullObject } checksum ? checksum : null,
        };
        var meta = await store.PutAsync(request.Bucket, request.Key, source.Content, options, request.Aborted);
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("CopyObjectResult",
            S3Xml.Element("LastModified", S3Xml.Time(meta.Modified)),
            S3Xml.Element("ETag", meta.ETag)));
    }

    /// <summary>UploadPartCopy, on the silo that holds the upload: part <paramref name="number"/> from the source (or its <c>x-amz-copy-source-range</c>).</summary>
    public async Task UploadPartCopyAsync(S3Request request, string uploadId, int number)
    {
        var (bucket, key) = ParseSource(request);
        var text = request.Http.Headers[S3Headers.CopySourceRange].ToString();
        (long First, long Last)? range = null;
        if (text.Length > 0)
        {
            var match = PartRange().Match(text);
            if (!match.Success || !long.TryParse(match.Groups[1].Value, out var first) || !long.TryParse(match.Groups[2].Value, out var last) || last < first)
                throw S3Exception.InvalidArgument($"x-amz-copy-source-range: '{text}' is not of the form bytes=first-last with first <= last");
            range = (first, last);
        }
        await using var source = await sources.OpenAsync(bucket, key, range, SourceCondition(request), request.Aborted);
        // An upload with a checksum algorithm keeps each part's checksum: computed as the copied bytes stream in.
        var algorithm = uploads.Describe(uploadId).ChecksumAlgorithm;
        var hash = algorithm is null ? null : ContentHash.For(algorithm);
        var check = hash is null ? null : new PayloadCheck(S3Headers.ChecksumPrefix + algorithm, hash, null, S3Exception.BadDigest, algorithm);
        var content = check is null ? source.Content : new VerifyingStream(source.Content, [check]);
        var part = await uploads.WritePartAsync(uploadId, number, content, source.Length, request.Aborted,
            check is null ? null : () => ((VerifyingStream)content).Digests.TryGetValue(check, out var digest) ? Convert.ToBase64String(digest) : null);
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("CopyPartResult",
            S3Xml.Element("LastModified", S3Xml.Time(part.Modified)),
            S3Xml.Element("ETag", part.ETag),
            algorithm is not null && part.Checksum is { } sum ? S3Xml.Element(MultipartOperations.ChecksumElement(algorithm), sum) : null));
    }

    private static ObjectCondition? SourceCondition(S3Request request) =>
        ConditionHeaders.Read(request.Http.Headers, forWrite: false, prefix: CopySourcePrefix);

    /// <summary>
    /// <c>x-amz-copy-source</c>: <c>[/]bucket/key</c>, URL-encoded, with an optional <c>?versionId=null</c> (the only
    /// version an unversioned store has).
    /// </summary>
    private static (string Bucket, string Key) ParseSource(S3Request request)
    {
        var value = request.Http.Headers[CopySourceHeader].ToString();
        var query = value.IndexOf('?');
        if (query >= 0)
        {
            var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(value[query..]);
            if (parameters.Keys.Any(k => k != "versionId") || parameters["versionId"] != "null")
                throw S3Exception.InvalidArgument($"{CopySourceHeader}: '{value}' names a version; this store is not versioned (only versionId=null exists)");
            value = value[..query];
        }
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(value).TrimStart('/');
        }
        catch (UriFormatException)
        {
            throw S3Exception.InvalidArgument($"{CopySourceHeader}: '{value}' is not URL-encoded");
        }
        var slash = decoded.IndexOf('/');
        if (slash <= 0 || slash == decoded.Length - 1)
            throw S3Exception.InvalidArgument($"{CopySourceHeader}: '{value}' is not of the form bucket/key");
        var (bucket, key) = (decoded[..slash], decoded[(slash + 1)..]);
        if (Names.BucketNameProblem(bucket) is { } problem) throw S3Exception.BadName($"{CopySourceHeader}: {problem}", isBucket: true, tooLong: false);
        if (S3Request.KeyError(key) is { } error) throw new S3Exception(error.Status, error.Code, $"{CopySourceHeader}: {error.Message}");
        return (bucket, key);
    }

    [GeneratedRegex(@"^bytes=([0-9]{1,18})-([0-9]{1,18})$")]
    private static partial Regex PartRange();
}
