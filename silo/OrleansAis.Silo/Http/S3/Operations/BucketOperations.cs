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

    public async Task ListBucketsAsync(S3Request request)
    {
        var buckets = await Registry.List();
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("ListAllMyBucketsResult",
            Owner(),
            S3Xml.Element("Buckets", buckets.Select(b => S3Xml.Element("Bucket",
                S3Xml.Element("Name", b.Name),
                S3Xml.Element("CreationDate", S3Xml.Time(b.Created)))))));
    }

    /// <summary>Creates the bucket (a CreateBucketConfiguration body is accepted and ignored: the cluster has one region).</summary>
    public async Task CreateAsync(S3Request request)
    {
        request.EnsureValidBucket();
        await Registry.Create(request.Bucket, properties: null);
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
