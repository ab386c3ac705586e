using System.Text;
using Microsoft.AspNetCore.Mvc;
using OrleansAis.Etl;
using OrleansAis.Etl.Endpoints;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;
using OrleansAis.Naming;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.Etl;

/// <summary>
/// <c>/v1/etl</c>: init (PUT/POST a JSON or YAML spec), list, view, stop, start, delete, logs and metrics; and
/// <c>/v1/etl/_object/{name}/{secret}/{bucket}/{object}</c>, the guarded endpoint through which this ETL's transformers
/// read raw objects (GET, AIS_TARGET_URL) and deliver direct-put results (PUT).
/// </summary>
public static class EtlEndpoints
{
    private static IEtlRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key);

    public static void Map(IEndpointRouteBuilder app)
    {
        var etl = app.MapGroup("").AddEndpointFilter<OaisErrorFilter>();
        etl.MapPut(OaisRoutes.Etls, Init);
        etl.MapPost(OaisRoutes.Etls, Init);
        etl.MapGet(OaisRoutes.Etls, async (IGrainFactory grains) =>
            AisJson.Json(new EtlListDto((await Registry(grains).List()).Select(EtlJson.Summary).ToList())));
        etl.MapGet(OaisRoutes.Etl, async (string name, IGrainFactory grains) => AisJson.Json(EtlJson.Details(await Registry(grains).Get(name))));
        etl.MapPost(OaisRoutes.EtlStop, async (string name, IGrainFactory grains) => AisJson.Json(EtlJson.Details(await Registry(grains).Stop(name))));
        etl.MapPost(OaisRoutes.EtlStart, async (string name, IGrainFactory grains) => AisJson.Json(EtlJson.Details(await Registry(grains).Start(name))));
        etl.MapDelete(OaisRoutes.Etl, async (string name, IGrainFactory grains) =>
        {
            await Registry(grains).Delete(name);
            return Results.NoContent();
        });
        etl.MapGet(OaisRoutes.EtlLogs, Logs);
        etl.MapGet(OaisRoutes.EtlMetrics, async (string name, IGrainFactory grains) => AisJson.Json(EtlJson.Metrics(await Registry(grains).Get(name))));

        etl.MapGet(OaisRoutes.TransformerObject, ReadForTransformer);
        etl.MapPut(OaisRoutes.TransformerObject, DirectPut);
    }

    private static async Task<IResult> Init(HttpRequest request, IGrainFactory grains)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        var spec = EtlSpecParser.Parse(text);
        return AisJson.Json(EtlJson.Details(await Registry(grains).Init(spec)));
    }

    private static async Task<IResult> Logs(string name, [FromQuery(Name = OaisQuery.Node)] string? node, [FromQuery(Name = OaisQuery.Lines)] int? lines,
        IGrainFactory grains)
    {
        var info = await Registry(grains).Get(name);
        var nodes = node is null ? info.Nodes.Select(n => n.NodeId).ToList() : [node];
        if (node is not null && info.Nodes.All(n => n.NodeId != node))
            return AisJson.Error(OaisErrorCode.NodeNotFound, $"node '{node}' is not in the cluster");
        var logs = await Task.WhenAll(nodes.Select(async n => (n, text: await grains.GetGrain<IEtlWorkerGrain>(n).Logs(name, lines ?? 100))));
        return AisJson.Json(new EtlLogsDto(name, logs.ToDictionary(l => l.n, l => l.text)));
    }

    /// <summary>GET by a transformer: the raw object from this node's disk, if the secret is the ETL's.</summary>
    private static async Task ReadForTransformer(HttpContext context, string name, string secret, TransformerEndpoints host, LocalObjectStore store)
    {
        if (!host.IsTransformerSecret(name, secret))
        {
            await AisJson.Error(OaisErrorCode.Forbidden, "not a transformer of this ETL on this node").ExecuteAsync(context);
            return;
        }
        var (bucket, objectName) = RawPath.BucketAndObject(context, skip: OaisRoutes.TransformerObjectPrefixSegments);
        if ((Names.BucketNameProblem(bucket) ?? Names.ObjectNameProblem(objectName)) is { } problem)
        {
            await AisJson.Error(OaisErrorCode.InvalidName, problem).ExecuteAsync(context);
            return;
        }
        using var reader = store.OpenRead(bucket, objectName);
        if (reader is null)
        {
            await AisJson.Error(OaisException.ObjectNotFound(bucket, objectName)).ExecuteAsync(context);
            return;
        }
        context.Response.ContentType = reader.Meta.ContentType;
        context.Response.ContentLength = reader.Meta.Size;
        await ObjectBody.WriteAsync(reader, 0, reader.Meta.Size, context.Response, context.RequestAborted);
    }

    /// <summary>PUT by a transformer (direct put): the result lands atomically on this node, which owns the destination.</summary>
    private static async Task<IResult> DirectPut(HttpContext context, string name, string secret, TransformerEndpoints host, LocalObjectStore store, EtlCopier copier)
    {
        if (!host.IsTransformerSecret(name, secret))
            return AisJson.Error(OaisErrorCode.Forbidden, "not a transformer of this ETL");
        var (bucket, objectName) = RawPath.BucketAndObject(context, skip: OaisRoutes.TransformerObjectPrefixSegments);
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
        // "src" names what the result was produced from, so incremental jobs can skip it next time.
        var source = context.Request.Query[OaisQuery.Source] is { Count: > 0 } src ? src.ToString() : null;
        var meta = await store.PutAsync(bucket, objectName, context.Request.Body,
            copier.OutputOptions(source, context.Request.ContentType, context.Request.ContentLength), context.RequestAborted);
        return AisJson.Json(new DirectPutResultDto(meta.Bucket, meta.Name, meta.Size, meta.Checksum, meta.Node));
    }
}
