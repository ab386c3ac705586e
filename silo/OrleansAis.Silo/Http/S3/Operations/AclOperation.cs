using System.Xml.Linq;
using OrleansAis.Grains;
using OrleansAis.Ownership;
using OrleansAis.Silo.Http.S3.Xml;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>
/// GetBucketAcl and GetObjectAcl. The store has no per-object permissions (see <see cref="S3Authenticator"/>), so the
/// answer is always "the owner has full control"; SDK helpers (e.g. bucket existence checks) ask for it.
/// </summary>
public sealed class AclOperation(IGrainFactory grains)
{
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    public async Task GetAsync(S3Request request)
    {
        if (request.Key.Length == 0)
        {
            request.EnsureValidBucket();
            if (await grains.GetGrain<IBucketRegistryGrain>(IBucketRegistryGrain.Key).Get(request.Bucket) is null)
                throw OaisException.BucketNotFound(request.Bucket);
        }
        else
        {
            request.EnsureValidObject();
            await grains.GetGrain<IObjectGrain>(ObjectKey.Format(request.Bucket, request.Key)).Head();
        }
        await S3Xml.WriteAsync(request.Context, S3Xml.Element("AccessControlPolicy",
            BucketOperations.Owner(),
            S3Xml.Element("AccessControlList", S3Xml.Element("Grant",
                S3Xml.Element("Grantee",
                    new XAttribute(XNamespace.Xmlns + "xsi", Xsi),
                    new XAttribute(Xsi + "type", "CanonicalUser"),
                    S3Xml.Element("ID", BucketOperations.OwnerId),
                    S3Xml.Element("DisplayName", BucketOperations.OwnerId)),
                S3Xml.Element("Permission", "FULL_CONTROL")))));
    }
}
