using Microsoft.Extensions.Options;
using OrleansAis.Grains;
using OrleansAis.Silo.Http.S3.Xml;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>ListBuckets, CreateBucket, HeadBucket, DeleteBucket and GetBucketLocation, over the cluster's bucket registry.</summary>
public sealed class BucketOperations(IGrainFactory grains, IOptions<S3Options> options)
{
    /// <summary>The one owner every bucket has (this store has no tenants).</summary>
    public const string OwnerId = "oais";

    private IBucketRegistryGrain Registry => grains.GetGrain<IBucketRegistryGrain>(IBucketRegistryGrain.Key);

    /// <summary>S3's largest max-buckets.</summary>
    public const int MaxBucketsLimit = 10_000;

    /// <summary>ListBuckets, by name, with S3's <c>prefix</c>, and <c>max-buckets</c> pages chained by <c>continuation-token</c>.</summary>
    public async Task ListBucketsAsync(S3Request request)
    {
        var prefix = request.Query("prefix") ?? "";
        var max = request.Query("max-buckets") is { } text
            ? int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxBucketsLimit
                ? n
                : throw S3Exception.InvalidArgument($"max-buckets '{text}' is not a number from 1 to {MaxBucketsLimit}")
            : (int?)null;
        var token = request.Query("continuation-token") is { Length: > 0 } t ? t : null;
        var after = token is null ? null : ListingTokens.Decode(token) ?? throw S3Exception.InvalidArgument("The continuation token provided is incorrect");
        var all = (await Registry.List())
            .Where(b => b.Name.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(b.Name, after) > 0))
            .OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        var page = max is { } limit ? all.Take(limit).ToList() : all;
        var truncated = page.Count < all.Count;
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("ListAllMyBucketsResult",
            Owner(),
            S3Xml.Element("Buckets", page.Select(b => S3Xml.Element("Bucket",
                S3Xml.Element("Name", b.Name),
                S3Xml.Element("CreationDate", S3Xml.Time(b.Created)),
                S3Xml.Element("BucketRegion", options.Value.Region)))),
            S3Xml.Optional("Prefix", request.Query("prefix")),
            S3Xml.Optional("ContinuationToken", truncated ? ListingTokens.Encode(page[^1].Name) : null)));
    }

    /// <summary>
    /// Creates the bucket, under S3's naming rules (a CreateBucketConfiguration body is accepted and ignored: the cluster
    /// has one region). Every bucket belongs to the one owner, so creating an existing bucket is, as in us-east-1, a
    /// success; elsewhere S3 answers 409 BucketAlreadyOwnedByYou.
    /// </summary>
    public async Task CreateAsync(S3Request request)
    {
        if (S3BucketNames.Problem(request.Bucket) is { } problem) throw S3Exception.BadName($"The specified bucket is not valid: {problem}", isBucket: true, tooLong: false);
        request.EnsureValidBucket();
        try
        {
            await Registry.Create(request.Bucket, properties: null);
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.BucketAlreadyExists && options.Value.Region == "us-east-1")
        {
            // the caller's own bucket: nothing to do
        }
        request.Response.Headers.Location = "/" + request.Bucket;
    }

    public async Task HeadAsync(S3Request request)
    {
        await RequireAsync(request);
        request.Response.Headers[S3Headers.BucketRegion] = options.Value.Region;
    }

    /// <summary>Deletes an empty bucket; a bucket with objects is BucketNotEmpty.</summary>
    public async Task DeleteAsync(S3Request request)
    {
        request.EnsureValidBucket();
        await Registry.Delete(request.Bucket, force: false);
        request.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>S3 reports us-east-1 as an empty location constraint.</summary>
    public async Task GetLocationAsync(S3Request request)
    {
        await RequireAsync(request);
        var region = options.Value.Region;
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("LocationConstraint", region == "us-east-1" ? null : region));
    }

    public static System.Xml.Linq.XElement Owner() =>
        S3Xml.Element("Owner", S3Xml.Element("ID", OwnerId), S3Xml.Element("DisplayName", OwnerId));

    private async Task RequireAsync(S3Request request)
    {
        request.EnsureValidBucket();
        if (await Registry.Get(request.Bucket) is null) throw OaisException.BucketNotFound(request.Bucket);
    }
}
