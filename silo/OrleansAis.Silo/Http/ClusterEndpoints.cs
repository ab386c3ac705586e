using OrleansAis.Grains;

namespace OrleansAis.Silo.Http;

/// <summary><c>/v1/health</c>, <c>/v1/cluster</c> and node decommissioning.</summary>
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
                nodes = stats.OrderBy(s => s.Node.NodeId, StringComparer.Ordinal).Select(Node),
            }, AisJson.Options);
        });

        // Hands the node's objects to the others in the background (202); GET /v1/cluster shows the progress.
        app.MapPost("/v1/cluster/nodes/{id}/decommission", async (string id, bool? shutdown, IGrainFactory grains) =>
        {
            var nodes = await grains.GetGrain<IClusterViewGrain>(0).Nodes();
            if (nodes.All(n => n.NodeId != id))
                throw new OaisException(OaisErrorCode.NodeNotFound, $"no active node '{id}' (active: {string.Join(", ", nodes.Select(n => n.NodeId))})");
            var stats = await grains.GetGrain<INodeStoreGrain>(id).Decommission(shutdown ?? false);
            return Results.Json(Node(stats), AisJson.Options, statusCode: StatusCodes.Status202Accepted);
        }).AddEndpointFilter<OaisErrorFilter>();
    }

    private static object Node(NodeStats s) => new
    {
        node_id = s.Node.NodeId,
        silo_address = s.Node.SiloAddress,
        http_url = s.Node.HttpUrl,
        state = s.State.ToString().ToLowerInvariant(),
        object_count = s.ObjectCount,
        object_bytes = s.ObjectBytes,
        drained_objects = s.DrainedObjects,
        drain_error = s.DrainError,
        mountpaths = s.Mountpaths,
    };
}
