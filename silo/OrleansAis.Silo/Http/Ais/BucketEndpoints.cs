using Microsoft.AspNetCore.Mvc;
using OrleansAis.Grains;
using OrleansAis.Naming;

namespace OrleansAis.Silo.Http.Ais;

/// <summary><c>/v1/buckets</c>: list, create (with properties), head, list objects (merged across silos), delete.</summary>
public static class BucketEndpoints
{
    private static IBucketRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IBucketRegistryGrain>(IBucketRegistryGrain.Key);

    public static void Map(IEndpointRouteBuilder app)
    {
        var buckets = app.MapGroup("/v1/buckets").AddEndpointFilter<OaisErrorFilter>();
        buckets.MapGet("", async (IGrainFactory grains) => Json(new { buckets = (await Registry(grains).List()).Select(BucketJson) }));
        buckets.MapPut("/{bucket}", Create);
        buckets.MapMethods("/{bucket}", [HttpMethods.Head], async (string bucket, IGrainFactory grains) =>
        {
            Names.EnsureValidBucketName(bucket);
            return await Registry(grains).Get(bucket) is null ? Results.NotFound() : Results.Ok();
        });
        buckets.MapGet("/{bucket}", ListObjects);
        buckets.MapDelete("/{bucket}", async (string bucket, string? force, IGrainFactory grains) =>
        {
            await Registry(grains).Delete(bucket, ForceFlag(force));
            return Results.NoContent();
        });
    }

    private static async Task<IResult> Create(string bucket, HttpRequest request, IGrainFactory grains)
    {
        Dictionary<string, string>? properties = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                // Whatever the Content-Type says (curl -d sends form encoding): the body is JSON.
                var body = await System.Text.Json.JsonSerializer.DeserializeAsync<CreateBody>(request.Body, AisJson.Options, request.HttpContext.RequestAborted);
                properties = body?.Properties;
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new OaisException(OaisErrorCode.InvalidArgument, $"body: expected {{\"properties\":{{...}}}} ({e.Message})");
            }
        }
        var created = await Registry(grains).Create(bucket, properties);
        return Results.Json(BucketJson(created), AisJson.Options, statusCode: StatusCodes.Status201Created);
    }

    // Query values are bound as strings and checked here, so a bad one gets the API's JSON error, not an empty 400.
    private static async Task<IResult> ListObjects(string bucket, string? prefix, [FromQuery(Name = "page_size")] string? pageSize,
        [FromQuery(Name = "continuation_token")] string? continuationToken, IGrainFactory grains)
    {
        var size = ListRequest.DefaultPageSize;
        if (pageSize is not null && (!int.TryParse(pageSize, out size) || size < 1 || size > ListRequest.MaxPageSize))
            throw new OaisException(OaisErrorCode.InvalidArgument, $"page_size: '{pageSize}' is not a number from 1 to {ListRequest.MaxPageSize}");
        var page = await grains.GetGrain<IClusterViewGrain>(0).ListObjects(bucket,
            new ListRequest { Prefix = prefix ?? "", PageSize = size, ContinuationToken = string.IsNullOrEmpty(continuationToken) ? null : continuationToken });
        return Json(new
        {
            entries = page.Entries.Select(e => new { name = e.Name, size = e.Size, checksum = e.Checksum, version = e.Version, modified = e.Modified, node = e.Node }),
            continuation_token = page.ContinuationToken,
        });
    }

    private static bool ForceFlag(string? force) => force switch
    {
        null or "" => false,
        _ when bool.TryParse(force, out var value) => value,
        _ => throw new OaisException(OaisErrorCode.InvalidArgument, $"force: '{force}' is not true or false"),
    };

    private static object BucketJson(BucketInfo b) => new { name = b.Name, created = b.Created, properties = b.Properties };

    private static IResult Json(object value) => Results.Json(value, AisJson.Options);

    private sealed record CreateBody(Dictionary<string, string>? Properties);
}
