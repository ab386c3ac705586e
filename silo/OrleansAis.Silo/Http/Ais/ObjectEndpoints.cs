using Microsoft.AspNetCore.Http.Features;
using OrleansAis.Buckets;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;
using OrleansAis.Naming;
using OrleansAis.Objects;
using OrleansAis.Ownership;
using OrleansAis.Silo.Http.Etl;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.Ais;

/// <summary>
/// <c>/v1/objects/{bucket}/{object...}</c>: PUT, GET (ranges; <c>etl_name</c> for inline transforms), HEAD, DELETE.
/// Any silo accepts any request: GET/HEAD for an object owned elsewhere get a 307 to the owner (or, with
/// <c>?proxy=true</c> / <c>X-Oais-Proxy: true</c>, are proxied); PUT is proxied. Bytes stream from and to the owner's disk.
/// </summary>
public static class ObjectEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        // The route value is only used to match: names come from the raw target (see RawPath).
        var objects = app.MapGroup("").AddEndpointFilter<OaisErrorFilter>();
        objects.MapMethods(OaisRoutes.Object, [HttpMethods.Get, HttpMethods.Head], Read);
        objects.MapPut(OaisRoutes.Object, Put);
        objects.MapDelete(OaisRoutes.Object, Delete);
        objects.MapPost(OaisRoutes.Object, Copy);
    }

    private static (string Bucket, string Name) Target(HttpContext context)
    {
        var (bucket, name) = RawPath.BucketAndObject(context, skip: OaisRoutes.ObjectPrefixSegments);
        Names.EnsureValidBucketName(bucket);
        Names.EnsureValidObjectName(name);
        return (bucket, name);
    }

    private static bool WantsProxy(HttpRequest request) =>
        string.Equals(request.Query[OaisQuery.Proxy], "true", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(request.Headers[OaisHeaders.Proxy], "true", StringComparison.OrdinalIgnoreCase);

    private static async Task Read(HttpContext context, OwnerRouting routing, BucketCatalog buckets, OwnerReads reads, InlineTransform inline)
    {
        var (bucket, name) = Target(context);
        var pipeline = InlineTransform.Requested(context.Request); // a bad one is refused here, not after a redirect
        if (routing.RemoteOwnerForRead(context, bucket, name) is { } owner)
        {
            if (WantsProxy(context.Request)) await routing.ProxyAsync(context, owner);
            else await routing.Redirect(owner, context.Request).ExecuteAsync(context);
            return;
        }
        if (pipeline is not null)
        {
            await inline.HandleAsync(context, bucket, name, pipeline);
            return;
        }
        await buckets.Require(bucket);
        using var reader = await reads.OpenAsync(bucket, name);
        var meta = reader.Meta;
        if (ConditionHeaders.AnsweredRead(context, meta)) return; // 304 (a failed precondition throws 412)
        var range = RequestedRange(context, meta.Size);
        ObjectHeaders.Write(context.Response, meta);
        var (offset, length) = range is { } r ? (r.Offset, r.Length) : (0, meta.Size);
        if (range is { } partial)
        {
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = ObjectHeaders.ContentRange(partial, meta.Size);
        }
        context.Response.ContentLength = length;
        if (HttpMethods.IsHead(context.Request.Method)) return;
        await ObjectBody.WriteAsync(reader, offset, length, context.Response, context.RequestAborted);
    }

    /// <summary>The Range header's range; a bad one fails with 416 and, as RFC 9110 asks, <c>Content-Range: bytes */size</c>.</summary>
    private static ByteRange? RequestedRange(HttpContext context, long size)
    {
        try
        {
            return ByteRange.Parse(context.Request.Headers.Range, size);
        }
        catch (OaisException)
        {
            ObjectHeaders.NotSatisfiable(context.Response, size);
            throw;
        }
    }

    private static async Task Put(HttpContext context, OwnerRouting routing, BucketCatalog buckets, LocalObjectStore store)
    {
        var (bucket, name) = Target(context);
        // Objects may be far larger than Kestrel's default body limit; they stream (to disk or to the owner), never into memory.
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
        if (await routing.ProxiedToOwnerAsync(context, bucket, name)) return;
        await buckets.Require(bucket);
        var options = ObjectHeaders.ReadPutOptions(context.Request);
        var meta = await store.PutAsync(bucket, name, context.Request.Body, options, context.RequestAborted);
        await AisJson.Json(ObjectHeaders.Json(meta)).ExecuteAsync(context);
    }

    private const int MaxCopyBodyBytes = 64 << 10;

    /// <summary>
    /// <c>POST ?action=copy</c>: served by the destination's owner (proxied there, like a PUT), which reads the source
    /// locally or streams it from the source's owner. Conditional headers apply to the source, as on a GET (412).
    /// </summary>
    private static async Task Copy(HttpContext context, OwnerRouting routing, BucketCatalog buckets, LocalObjectStore store, CopySource sources)
    {
        var (bucket, name) = Target(context);
        if (context.Request.Query[OaisQuery.Action] != OaisQuery.CopyAction)
            throw new OaisException(OaisErrorCode.InvalidArgument,
                $"POST on an object needs {OaisQuery.Action}={OaisQuery.CopyAction} (got '{context.Request.Query[OaisQuery.Action]}')");
        context.Request.EnableBuffering(MaxCopyBodyBytes, MaxCopyBodyBytes); // read here, and again by the owner when proxied
        var body = await AisJson.ReadBodyAsync<ObjectCopyRequest>(context.Request, "{\"to_bucket\":\"...\",\"to_name\":\"...\"}");
        var toBucket = body.ToBucket ?? bucket;
        var toName = body.ToName ?? throw new OaisException(OaisErrorCode.InvalidArgument, "body: to_name is required");
        Names.EnsureValidBucketName(toBucket);
        Names.EnsureValidObjectName(toName);
        if (toBucket == bucket && toName == name)
            throw new OaisException(OaisErrorCode.InvalidArgument, $"copy of '{bucket}/{name}' to itself: to_bucket/to_name must name another object");
        if (routing.RemoteOwner(context, toBucket, toName) is { } owner)
        {
            context.Request.Body.Position = 0;
            await routing.ProxyAsync(context, owner);
            return;
        }
        await buckets.Require(toBucket);
        await using var source = await sources.OpenAsync(bucket, name, range: null,
            ConditionHeaders.Read(context.Request.Headers, forWrite: false), context.RequestAborted);
        var options = new PutOptions { ContentType = source.Meta.ContentType, Custom = source.Meta.Custom, ExpectedSize = source.Length };
        var meta = await store.PutAsync(toBucket, toName, source.Content, options, context.RequestAborted);
        await AisJson.Json(ObjectHeaders.Json(meta)).ExecuteAsync(context);
    }

    private static async Task<IResult> Delete(HttpContext context, IGrainFactory grains)
    {
        var (bucket, name) = Target(context);
        // The object grain runs on the owner, so this deletes the owner's copy whichever silo was asked.
        return await grains.GetGrain<IObjectGrain>(ObjectKey.Format(bucket, name)).DeleteIf(ConditionHeaders.Read(context.Request.Headers, forWrite: true))
            ? Results.NoContent()
            : throw OaisException.ObjectNotFound(bucket, name);
    }
}
