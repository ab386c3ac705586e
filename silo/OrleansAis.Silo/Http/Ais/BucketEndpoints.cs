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
        buckets.MapDelete("/{bucket}", async (string bucket, bool? force, IGrainFactory grains) =>
        {
            await Registry(grains).Delete(bucket, force ?? false);
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

    private static async Task<IResult> ListObjects(string bucket, string? prefix, string? page_size, string? continuation_token, IGrainFactory grains)
    {
        var size = ListRequest.DefaultPageSize;
        if (page_size is not null && (!int.TryParse(page_size, out size) || size < 1 || size > ListRequest.MaxPageSize))
            throw new OaisException(OaisErrorCode.InvalidArgument, $"page_size: '{page_size}' is not a number from 1 to {ListRequest.MaxPageSize}");
        var page = await grains.GetGrain<IClusterViewGrain>(0).ListObjects(bucket,
            new ListRequest { Prefix = prefix ?? "", PageSize = size, ContinuationToken = string.IsNullOrEmpty(continuation_token) ? null : continuation_token });
        return Json(new
        {
            entries = page.Entries.Select(e => new { name = e.Name, size = e.Size, checksum = e.Checksum, version = e.Version, modified = e.Modified, node = e.Node }),
            continuation_token = page.ContinuationToken,
        });
    }

    private static object BucketJson(BucketInfo b) => new { name = b.Name, created = b.Created, properties = b.Properties };

    private static IResult Json(object value) => Results.Json(value, AisJson.Options);

    private sealed record CreateBody(Dictionary<string, string>? Properties);
}
