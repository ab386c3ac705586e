using OrleansAis.Buckets;
using OrleansAis.Etl;
using OrleansAis.Etl.DataPlane;
using OrleansAis.Etl.Communicators;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.Etl;

/// <summary>
/// <c>GET /v1/objects/{bucket}/{object}?etl_name=N&amp;etl_args=A</c> on the owner: the object goes through this node's
/// transformer and the result streams to the caller (hpull: the caller is redirected to the transformer instead).
/// A failure before the first byte is a JSON error with its status; after it, the connection is aborted so no client
/// takes a truncated body for a complete one.
/// </summary>
public sealed class InlineTransform(EtlDataPlane etls, LocalObjectStore store, BucketCatalog buckets, IGrainFactory grains)
{
    public async Task HandleAsync(HttpContext context, string bucket, string name, string etlName, string? etlArgs)
    {
        try
        {
            EtlSpec.EnsureValidName(etlName);
            await buckets.Require(bucket);
            if (etls.Spec(etlName) is null) await grains.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key).Get(etlName); // unknown -> 404
            using var reader = await OpenLocalAsync(bucket, name);
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

    /// <summary>The local copy; right after a membership change the object grain first moves it here from its former owner.</summary>
    private async Task<ObjectReader> OpenLocalAsync(string bucket, string name)
    {
        if (store.OpenRead(bucket, name) is { } reader) return reader;
        await grains.GetGrain<IObjectGrain>(Ownership.ObjectKey.Format(bucket, name)).Head(); // not found -> 404
        return store.OpenRead(bucket, name)
            ?? throw new OaisException(OaisErrorCode.Unavailable, $"object '{bucket}/{name}' is moving to node {etls.NodeId}; retry shortly");
    }
}
