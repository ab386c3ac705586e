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
/// A pipeline (<c>etl_pipeline=a,b,c</c> or <c>etl_name=a&gt;&gt;b&gt;&gt;c</c>, <c>etl_args</c> once per stage or once for all)
/// streams stage to stage on this node and only the last stage's output reaches the caller.
/// A failure before the first byte is a JSON error with its status; after it, the connection is aborted so no client
/// takes a truncated body for a complete one.
/// </summary>
public sealed class InlineTransform(EtlDataPlane etls, OwnerReads reads, BucketCatalog buckets, IGrainFactory grains)
{
    /// <summary>The pipeline a GET asks for, or null for a plain read; a bad spelling fails with a 400 naming it.</summary>
    public static EtlPipeline? Requested(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method)) return null;
        var name = request.Query[OaisQuery.EtlName];
        var pipeline = request.Query[OaisQuery.EtlPipeline];
        if (name.Count == 0 && pipeline.Count == 0) return null;
        if (name.Count + pipeline.Count > 1)
            throw new OaisException(OaisErrorCode.InvalidArgument,
                $"give one {OaisQuery.EtlName} or one {OaisQuery.EtlPipeline} (a pipeline is {OaisQuery.EtlPipeline}=a,b,c or {OaisQuery.EtlName}=a>>b>>c)");
        var spelling = name.Count > 0 ? name.ToString() : pipeline.ToString();
        var args = request.Query[OaisQuery.EtlArgs].ToArray();
        if (EtlPipelineSpelling.Split(spelling).Count == 1)
        {
            EtlSpec.EnsureValidName(spelling); // one ETL, as always
            if (args.Length > 1) throw new OaisException(OaisErrorCode.InvalidArgument, $"{OaisQuery.EtlArgs}: {args.Length} values for one ETL");
            return EtlPipeline.Single(spelling, args.FirstOrDefault());
        }
        return EtlPipeline.Parse(spelling, args);
    }

    public async Task HandleAsync(HttpContext context, string bucket, string name, EtlPipeline pipeline)
    {
        try
        {
            await buckets.Require(bucket);
            for (var i = 0; i < pipeline.Count; i++) await RequireKnownAsync(pipeline, i);
            using var reader = await reads.OpenAsync(bucket, name);
            var job = new TransformJob { Bucket = bucket, Name = name, Source = reader };
            if (pipeline.Count == 1 && etls.HpullRedirect(pipeline.Last.Etl) is var (hpull, endpoint))
            {
                context.Response.Redirect(hpull.RedirectUri(job.ForStage(pipeline.Last.EtlArgs, null, null, null), endpoint).ToString(), permanent: false, preserveMethod: true);
                return;
            }
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers[OaisHeaders.Etl] = pipeline.Name;
            context.Response.Headers[OaisHeaders.Node] = etls.NodeId;
            await etls.TransformAsync(pipeline, job, context.Response.Body, context.RequestAborted);
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

    /// <summary>An ETL this node does not know may still be registered (starting here): the registry answers 404 if not.</summary>
    private async Task RequireKnownAsync(EtlPipeline pipeline, int stage)
    {
        var etl = pipeline.Stages[stage].Etl;
        if (etls.Spec(etl) is not null) return;
        try
        {
            await grains.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key).Get(etl);
        }
        catch (OaisException e) when (pipeline.Count > 1)
        {
            throw new OaisException(e.Code, $"{pipeline.Describe(stage)}: {e.Message}");
        }
    }
}
