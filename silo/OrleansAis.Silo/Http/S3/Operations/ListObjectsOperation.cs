using System.Globalization;
using System.Xml.Linq;
using OrleansAis.Grains;
using OrleansAis.Silo.Http.S3.Auth;
using OrleansAis.Silo.Http.S3.Xml;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>
/// ListObjectsV2 (<c>list-type=2</c>: continuation-token, start-after) and the original ListObjects (marker), both with
/// prefix, delimiter, max-keys and encoding-type=url, over the listing merged from every silo; and ListObjectVersions,
/// which an unversioned store answers with each current object as its one version, <c>null</c>.
/// </summary>
public sealed class ListObjectsOperation(IGrainFactory grains)
{
    /// <summary>S3 returns at most this many keys and common prefixes per page.</summary>
    public const int MaxKeysLimit = 1000;

    public async Task ListAsync(S3Request request)
    {
        request.EnsureValidBucket();
        var v2 = request.Query("list-type") == "2";
        var urlEncoded = UrlEncoded(request);
        // An empty continuation-token is echoed as sent (S3 does), and lists from the start.
        var echoedContinuation = v2 ? request.Query("continuation-token") : null;
        var continuation = NonEmpty(echoedContinuation);
        var startAfter = v2 ? NonEmpty(request.Query("start-after")) : null;
        var marker = v2 ? null : NonEmpty(request.Query("marker"));
        var query = new ListingQuery(request.Query("prefix") ?? "", NonEmpty(request.Query("delimiter")), MaxKeys(request.Query("max-keys")),
            continuation is not null ? DecodeToken(continuation) : startAfter ?? marker);

        var view = grains.GetGrain<IClusterViewGrain>(0);
        var allowPartial = string.Equals(request.Http.Headers[S3Headers.AllowPartial], "true", StringComparison.OrdinalIgnoreCase);
        var unavailable = new SortedSet<string>(StringComparer.Ordinal);
        var page = await ObjectListing.ListAsync(async r =>
        {
            var part = await view.ListObjects(request.Bucket, new ListRequest
            {
                Prefix = r.Prefix, PageSize = r.PageSize, ContinuationToken = r.ContinuationToken, AllowPartial = allowPartial,
            });
            unavailable.UnionWith(part.Unavailable);
            return part;
        }, query);
        if (unavailable.Count > 0) request.Response.Headers[S3Headers.PartialListing] = string.Join(",", unavailable);

        string Encode(string value) => urlEncoded ? SigV4.UriEncode(value, encodeSlash: false) : value;
        var contents = page.Objects.Select(o => S3Xml.Element("Contents",
            S3Xml.Element("Key", Encode(o.Name)),
            S3Xml.Element("LastModified", S3Xml.Time(o.Modified)),
            S3Xml.Element("ETag", o.ETag),
            S3Xml.Element("Size", o.Size),
            S3Xml.Element("StorageClass", "STANDARD"),
            v2 && request.Query("fetch-owner") != "true" ? null : BucketOperations.Owner()));
        var commonPrefixes = page.CommonPrefixes.Select(p => S3Xml.Element("CommonPrefixes", S3Xml.Element("Prefix", Encode(p))));
        var truncated = page.IsTruncated;

        XElement result = v2
            ? S3Xml.Element("ListBucketResult",
                S3Xml.Element("Name", request.Bucket),
                S3Xml.Element("Prefix", Encode(query.Prefix)),
                S3Xml.Optional("Delimiter", query.Delimiter is null ? null : Encode(query.Delimiter)),
                S3Xml.Element("MaxKeys", query.MaxKeys),
                S3Xml.Element("KeyCount", page.Objects.Count + page.CommonPrefixes.Count),
                S3Xml.Element("IsTruncated", S3Xml.Bool(truncated)),
                S3Xml.Optional("EncodingType", urlEncoded ? "url" : null),
                S3Xml.Optional("ContinuationToken", echoedContinuation),
                S3Xml.Optional("NextContinuationToken", truncated ? ListingTokens.Encode(page.Last!) : null),
                S3Xml.Optional("StartAfter", startAfter is null ? null : Encode(startAfter)),
                contents, commonPrefixes)
            : S3Xml.Element("ListBucketResult",
                S3Xml.Element("Name", request.Bucket),
                S3Xml.Element("Prefix", Encode(query.Prefix)),
                S3Xml.Element("Marker", Encode(marker ?? "")),
                S3Xml.Optional("NextMarker", truncated ? Encode(page.Last!) : null),
                S3Xml.Element("MaxKeys", query.MaxKeys),
                S3Xml.Optional("Delimiter", query.Delimiter is null ? null : Encode(query.Delimiter)),
                S3Xml.Element("IsTruncated", S3Xml.Bool(truncated)),
                S3Xml.Optional("EncodingType", urlEncoded ? "url" : null),
                contents, commonPrefixes);
        await S3Xml.WriteAsync(request.Context, result);
    }

    /// <summary>
    /// ListObjectVersions (<c>GET /B?versions</c>): the bucket is not versioned, so every object has one version, its
    /// current one, with VersionId <c>null</c> and IsLatest true (what S3 answers for a bucket that never had versioning
    /// on). Pages by <c>key-marker</c> (a <c>version-id-marker</c> can only be <c>null</c>, the one version of that key,
    /// so the page starts after the key either way).
    /// </summary>
    public async Task ListVersionsAsync(S3Request request)
    {
        request.EnsureValidBucket();
        var urlEncoded = UrlEncoded(request);
        var keyMarker = request.Query("key-marker") ?? "";
        var versionMarker = request.Query("version-id-marker") ?? "";
        if (versionMarker.Length > 0 && keyMarker.Length == 0)
            throw S3Exception.InvalidArgument("A version-id marker cannot be specified without a key marker.");
        if (versionMarker is not ("" or "null")) throw S3Exception.InvalidArgument("Invalid version id specified");
        var query = new ListingQuery(request.Query("prefix") ?? "", NonEmpty(request.Query("delimiter")), MaxKeys(request.Query("max-keys")),
            NonEmpty(keyMarker));
        var view = grains.GetGrain<IClusterViewGrain>(0);
        var page = await ObjectListing.ListAsync(r => view.ListObjects(request.Bucket, r), query);

        string Encode(string value) => urlEncoded ? SigV4.UriEncode(value, encodeSlash: false) : value;
        var lastIsPrefix = page.CommonPrefixes.Count > 0 && page.Last == page.CommonPrefixes[^1];
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("ListVersionsResult",
            S3Xml.Element("Name", request.Bucket),
            S3Xml.Element("Prefix", Encode(query.Prefix)),
            S3Xml.Element("KeyMarker", Encode(keyMarker)),
            S3Xml.Element("VersionIdMarker", versionMarker),
            S3Xml.Optional("NextKeyMarker", page.IsTruncated ? Encode(page.Last!) : null),
            S3Xml.Optional("NextVersionIdMarker", page.IsTruncated && !lastIsPrefix ? "null" : null),
            S3Xml.Element("MaxKeys", query.MaxKeys),
            S3Xml.Optional("Delimiter", query.Delimiter is null ? null : Encode(query.Delimiter)),
            S3Xml.Element("IsTruncated", S3Xml.Bool(page.IsTruncated)),
            S3Xml.Optional("EncodingType", urlEncoded ? "url" : null),
            page.Objects.Select(o => S3Xml.Element("Version",
                S3Xml.Element("Key", Encode(o.Name)),
                S3Xml.Element("VersionId", "null"),
                S3Xml.Element("IsLatest", "true"),
                S3Xml.Element("LastModified", S3Xml.Time(o.Modified)),
                S3Xml.Element("ETag", o.ETag),
                S3Xml.Element("Size", o.Size),
                S3Xml.Element("StorageClass", "STANDARD"),
                BucketOperations.Owner())),
            page.CommonPrefixes.Select(p => S3Xml.Element("CommonPrefixes", S3Xml.Element("Prefix", Encode(p))))));
    }

    private static bool UrlEncoded(S3Request request) => request.Query("encoding-type") switch
    {
        null => false,
        "url" => true,
        var other => throw S3Exception.InvalidArgument($"encoding-type '{other}' is not supported; use 'url'"),
    };

    private static int MaxKeys(string? value)
    {
        if (value is null) return MaxKeysLimit;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var keys)
            ? Math.Min(keys, MaxKeysLimit)
            : throw S3Exception.InvalidArgument($"max-keys '{value}' is not a non-negative number");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string DecodeToken(string token) =>
        ListingTokens.Decode(token) ?? throw S3Exception.InvalidArgument("The continuation token provided is incorrect");
}
