using Microsoft.AspNetCore.Mvc;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;
using OrleansAis.Naming;

namespace OrleansAis.Silo.Http.Ais;

/// <summary><c>/v1/buckets</c>: list, create (with properties), head, list objects (merged across silos), delete.</summary>
public static class BucketEndpoints
{
    private static IBucketRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IBucketRegistryGrain>(IBucketRegistryGrain.Key);

    public static void Map(IEndpointRouteBuilder app)
    {
        var buckets = app.MapGroup("").AddEndpointFilter<OaisErrorFilter>();
        buckets.MapGet(OaisRoutes.Buckets, async (IGrainFactory grains) =>
            AisJson.Json(new BucketListDto((await Registry(grains).List()).Select(BucketJson).ToList())));
        buckets.MapPut(OaisRoutes.Bucket, Create);
        buckets.MapMethods(OaisRoutes.Bucket, [HttpMethods.Head], async (string bucket, IGrainFactory grains) =>
        {
            Names.EnsureValidBucketName(bucket);
            return await Registry(grains).Get(bucket) is null ? Results.NotFound() : Results.Ok();
        });
        buckets.MapGet(OaisRoutes.Bucket, ListObjects);
        buckets.MapDelete(OaisRoutes.Bucket, async (string bucket, [FromQuery(Name = OaisQuery.Force)] string? force, IGrainFactory grains) =>
        {
            await Registry(grains).Delete(bucket, ForceFlag(force));
            return Results.NoContent();
        });
    }

    private static async Task<IResult> Create(string bucket, HttpRequest request, IGrainFactory grains)
    {
        IReadOnlyDictionary<string, string>? properties = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                // Whatever the Content-Type says (curl -d sends form encoding): the body is JSON.
                var body = await System.Text.Json.JsonSerializer.DeserializeAsync<BucketCreateRequest>(request.Body, OaisJson.Options, request.HttpContext.RequestAborted);
                properties = body?.Properties;
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new OaisException(OaisErrorCode.InvalidArgument, $"body: expected {{\"properties\":{{...}}}} ({e.Message})");
            }
        }
        var created = await Registry(grains).Create(bucket, properties);
        return AisJson.Json(BucketJson(created), StatusCodes.Status201Created);
    }

    // Query values are bound as strings and checked here, so a bad one gets the API's JSON error, not an empty 400.
    private static async Task<IResult> ListObjects(string bucket, [FromQuery(Name = OaisQuery.Prefix)] string? prefix,
        [FromQuery(Name = OaisQuery.PageSize)] string? pageSize, [FromQuery(Name = OaisQuery.ContinuationToken)] string? continuationToken,
        [FromQuery(Name = OaisQuery.Partial)] string? partial, IGrainFactory grains)
    {
        var size = ListRequest.DefaultPageSize;
        if (pageSize is not null && (!int.TryParse(pageSize, out size) || size < 1 || size > ListRequest.MaxPageSize))
            throw new OaisException(OaisErrorCode.InvalidArgument, $"{OaisQuery.PageSize}: '{pageSize}' is not a number from 1 to {ListRequest.MaxPageSize}");
        var after = string.IsNullOrEmpty(continuationToken) ? null : ListingTokens.Decode(continuationToken)
            ?? throw new OaisException(OaisErrorCode.InvalidArgument,
                $"{OaisQuery.ContinuationToken}: '{continuationToken}' is not a token a listing of this API returned");
        var page = await grains.GetGrain<IClusterViewGrain>(0).ListObjects(bucket,
            new ListRequest { Prefix = prefix ?? "", PageSize = size, ContinuationToken = after, AllowPartial = Flag(OaisQuery.Partial, partial) });
        return AisJson.Json(new ObjectPageDto(
            page.Entries.Select(e => new ObjectEntryDto(e.Name, e.Size, e.Checksum, e.Version, e.Modified, e.Node)).ToList(),
            page.ContinuationToken is { } last ? ListingTokens.Encode(last) : null, page.Partial, page.Partial ? page.Unavailable : null));
    }

    private static bool ForceFlag(string? force) => Flag(OaisQuery.Force, force);

    private static bool Flag(string name, string? text) => text switch
    {
        null or "" => false,
        _ when bool.TryParse(text, out var value) => value,
        _ => throw new OaisException(OaisErrorCode.InvalidArgument, $"{name}: '{text}' is not true or false"),
    };

    private static BucketDto BucketJson(BucketInfo b) => new(b.Name, b.Created, b.Properties);
}
