using OrleansAis.Buckets;
using OrleansAis.Etl;
using OrleansAis.Etl.DataPlane;
using OrleansAis.Etl.Communicators;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;
using OrleansAis.Objects;

namespace OrleansAis.Silo.Http.Etl;

/// <summary>
/// <c>GET /v1/objects/{bucket}/{object}?etl_name=N&amp;etl_args=A</c> on the owner: the object goes through this node's
/// transformer and the result streams to the caller (hpull: the caller is redirected to the transformer instead).
/// A failure before the first byte is a JSON error with its status; after it, the connection is aborted so no client
/// takes a truncated body for a complete one.
/// </summary>
public sealed class InlineTransform(EtlDataPlane etls, OwnerReads reads, BucketCatalog buckets, IGrainFactory grains)
{
    public async Task HandleAsync(HttpContext context, string bucket, string name, string etlName, string? etlArgs)
    {
        try
        {
            EtlSpec.EnsureValidName(etlName);
            await buckets.Require(bucket);
            if (etls.Spec(etlName) is null) await grains.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key).Get(etlName); // unknown -> 404
            using var reader = await reads.OpenAsync(bucket, name);
            var job = new TransformJob { Bucket = bucket, Name = name, EtlArgs = etlArgs, Source = reader };
            if (etls.HpullRedirect(etlName) is var (hpull, endpoint))
            {
                context.Response.Redirect(hpull.RedirectUri(job, endpoint).ToString(), permanent: false, preserveMethod: true);
                return;
            }
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers[OaisHeaders.Etl] = etlName;
            context.Response.Headers[OaisHeaders.Node] = etls.NodeId;
            await etls.TransformAsync(etlName, job, context.Response.Body, context.RequestAborted);
        }
        catch (OaisException e) when (!context.Response.HasStarted)
        {
            context.Response.Headers.Remove(OaisHeaders.Etl);
            await AisJson.Error(e).ExecuteAsync(context);
        }
        catch (Exception) when (context.Response.HasStarted)
        {
            context.Abort();
        }
    }
}
