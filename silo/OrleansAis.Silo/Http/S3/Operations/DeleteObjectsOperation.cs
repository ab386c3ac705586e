using System.Xml.Linq;
using OrleansAis.Buckets;
using OrleansAis.Grains;
using OrleansAis.Ownership;
using OrleansAis.Silo.Http.S3.Payload;
using OrleansAis.Silo.Http.S3.Xml;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>DeleteObjects (<c>POST /{bucket}?delete</c>): up to 1000 keys per request, each deleted on its owner.</summary>
public sealed class DeleteObjectsOperation(IGrainFactory grains, BucketCatalog buckets)
{
    public const int MaxKeys = 1000;
    private const int MaxBodyBytes = 2 << 20;
    private const int Parallelism = 16;

    public async Task DeleteAsync(S3Request request)
    {
        request.EnsureValidBucket();
        await buckets.Require(request.Bucket);
        var (content, _) = S3Payload.Open(request.Context, request.Caller);
        var body = await S3Xml.ReadAsync(content, MaxBodyBytes, request.Aborted);
        if (body.Name.LocalName != "Delete") throw S3Exception.MalformedXml("the body must be a <Delete> document");
        var quiet = string.Equals(S3Xml.Child(body, "Quiet"), "true", StringComparison.OrdinalIgnoreCase);
        var keys = S3Xml.Children(body, "Object").Select(o => (
            Key: S3Xml.Child(o, "Key") ?? throw S3Exception.MalformedXml("an <Object> has no <Key>"),
            ETag: S3Xml.Child(o, "ETag"),
            VersionId: S3Xml.Child(o, "VersionId"))).ToList();
        if (keys.Count is 0 or > MaxKeys) throw S3Exception.MalformedXml($"a <Delete> names 1 to {MaxKeys} objects, this one {keys.Count}");

        var outcomes = new XElement?[keys.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = request.Aborted },
            async (i, _) => outcomes[i] = await DeleteOneAsync(request.Bucket, keys[i].Key, keys[i].ETag, keys[i].VersionId, quiet));
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("DeleteResult", outcomes));
    }

    /// <summary>
    /// The key's &lt;Deleted&gt; (null in quiet mode) or &lt;Error&gt; entry. A key that did not exist counts as deleted.
    /// An entry's &lt;ETag&gt; makes its delete conditional (If-Match, checked on the owner): PreconditionFailed otherwise.
    /// </summary>
    /// <remarks>
    /// A &lt;VersionId&gt; can only be <c>null</c>, the one version an object of this unversioned store has (what
    /// ListObjectVersions reports, so cleanup tools send it back); it is echoed in the answer, as S3 does.
    /// </remarks>
    private async Task<XElement?> DeleteOneAsync(string bucket, string key, string? etag, string? versionId, bool quiet)
    {
        var error = versionId is null or "null" ? S3Request.KeyError(key) : S3Exception.InvalidArgument("Invalid version id specified");
        if (error is null)
        {
            try
            {
                await grains.GetGrain<IObjectGrain>(ObjectKey.Format(bucket, key)).DeleteIf(etag is null ? null : new ObjectCondition { IfMatch = etag });
                return quiet ? null : S3Xml.Element("Deleted", S3Xml.Element("Key", key), S3Xml.Optional("VersionId", versionId));
            }
            catch (OaisException e)
            {
                error = S3Exception.From(e);
            }
        }
        return S3Xml.Element("Error", S3Xml.Element("Key", key), S3Xml.Optional("VersionId", versionId),
            S3Xml.Element("Code", error.Code), S3Xml.Element("Message", error.Message));
    }
}
