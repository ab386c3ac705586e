using System.Text;
using Microsoft.AspNetCore.Mvc;
using OrleansAis.Etl;
using OrleansAis.Etl.DataPlane;
using OrleansAis.Etl.Endpoints;
using OrleansAis.Etl.Protocol;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;
using OrleansAis.Naming;
using OrleansAis.Status;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
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
        // Status reads survive the loss of the registry's silo (StatusReader); commands go to the registry.
        etl.MapGet(OaisRoutes.Etls, async (StatusReader status) =>
        {
            var read = await status.Etls();
            return AisJson.Json(new EtlListDto(read.Value.Select(EtlJson.Summary).ToList(), read.Degraded));
        });
        etl.MapGet(OaisRoutes.Etl, async (string name, StatusReader status) =>
        {
            var read = await status.Etl(name);
            return AisJson.Json(EtlJson.Details(read.Value, read.Degraded));
        });
        etl.MapPost(OaisRoutes.EtlStop, async (string name, IGrainFactory grains) => AisJson.Json(EtlJson.Details(await Registry(grains).Stop(name))));
        etl.MapPost(OaisRoutes.EtlStart, async (string name, IGrainFactory grains) => AisJson.Json(EtlJson.Details(await Registry(grains).Start(name))));
        etl.MapDelete(OaisRoutes.Etl, async (string name, IGrainFactory grains) =>
        {
            await Registry(grains).Delete(name);
            return Results.NoContent();
        });
        etl.MapGet(OaisRoutes.EtlLogs, Logs);
        etl.MapGet(OaisRoutes.EtlMetrics, async (string name, StatusReader status) => AisJson.Json(EtlJson.Metrics((await status.Etl(name)).Value)));

        etl.MapGet(OaisRoutes.TransformerObject, ReadForTransformer);
        etl.MapPut(OaisRoutes.TransformerObject, DirectPut);
    }

    private static async Task<IResult> Init(HttpRequest request, IGrainFactory grains, IOptions<EtlOptions> options)
    {
        // Checked before anything is read or stored; Kestrel answers 413 when a body without a length runs past it.
        var limit = options.Value.MaxSpecBytes;
        if (request.ContentLength > limit)
            return AisJson.Error(StatusCodes.Status413PayloadTooLarge, OaisErrorCode.InvalidArgument,
                $"the ETL spec is {request.ContentLength} bytes; at most {limit} are accepted (Etl:MaxSpecBytes)");
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } max) max.MaxRequestBodySize = limit;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        var spec = EtlSpecParser.Parse(text);
        return AisJson.Json(EtlJson.Details(await Registry(grains).Init(spec)));
    }

    private static async Task<IResult> Logs(string name, [FromQuery(Name = OaisQuery.Node)] string? node, [FromQuery(Name = OaisQuery.Lines)] int? lines,
        IGrainFactory grains, NodeCalls calls, StatusReader status)
    {
        var info = (await status.Etl(name)).Value;
        var nodes = node is null ? info.Nodes.Select(n => n.NodeId).ToList() : [node];
        if (node is not null && info.Nodes.All(n => n.NodeId != node))
            return AisJson.Error(OaisErrorCode.NodeNotFound, $"node '{node}' is not in the cluster");
        var logs = await Task.WhenAll(nodes.Select(async n =>
        {
            var answer = await calls.Ask(n, () => grains.GetGrain<IEtlWorkerGrain>(n).Logs(name, lines ?? 100));
            return (n, text: answer.Value ?? $"({answer.Unreachable})");
        }));
        return AisJson.Json(new EtlLogsDto(name, logs.ToDictionary(l => l.n, l => l.text)));
    }

    /// <summary>
    /// GET by a transformer: the raw object from this node's disk, if the secret is the ETL's; with <c>oais_input</c>,
    /// a pipeline stage's input instead (the previous stage's output, as it is produced).
    /// </summary>
    private static async Task ReadForTransformer(HttpContext context, string name, string secret, TransformerEndpoints host, LocalObjectStore store,
        PipelineInputs inputs)
    {
        if (!host.IsTransformerSecret(name, secret))
        {
            await AisJson.Error(OaisErrorCode.Forbidden, "not a transformer of this ETL on this node").ExecuteAsync(context);
            return;
        }
        if (context.Request.Query[TransformerQuery.Input] is { Count: > 0 } token)
        {
            await ServePipelineInputAsync(context, inputs, name, token.ToString());
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

    private static async Task ServePipelineInputAsync(HttpContext context, PipelineInputs inputs, string etl, string token)
    {
        if (inputs.Take(etl, token) is not { } input)
        {
            await AisJson.Error(OaisErrorCode.ObjectNotFound, $"no pipeline input '{token}' waits for ETL '{etl}' on this node (unknown, or already fetched)")
                .ExecuteAsync(context);
            return;
        }
        context.Response.ContentType = "application/octet-stream"; // chunked: the length is known only at the end
        try
        {
            await input.CopyToAsync(context.Response.Body, 1 << 16, context.RequestAborted);
        }
        catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The previous stage failed: cut the answer short, so the transformer never takes part of an input for all of it.
            context.Abort();
        }
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
