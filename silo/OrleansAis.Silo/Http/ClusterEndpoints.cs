using OrleansAis.Grains;

namespace OrleansAis.Silo.Http;

/// <summary><c>/v1/health</c> and <c>/v1/cluster</c>.</summary>
public static class ClusterEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/health", () => Results.Json(new { status = "ok" }, AisJson.Options));
        app.MapGet("/v1/cluster", async (IGrainFactory grains, OwnerRouting routing) =>
        {
            var stats = await grains.GetGrain<IClusterViewGrain>(0).Stats();
            return Results.Json(new
            {
                node = routing.Local.NodeId,
                nodes = stats.OrderBy(s => s.Node.NodeId, StringComparer.Ordinal).Select(s => new
                {
                    node_id = s.Node.NodeId,
                    silo_address = s.Node.SiloAddress,
                    http_url = s.Node.HttpUrl,
                    object_count = s.ObjectCount,
                    object_bytes = s.ObjectBytes,
                    mountpaths = s.Mountpaths,
                }),
            }, AisJson.Options);
        });
    }
}
