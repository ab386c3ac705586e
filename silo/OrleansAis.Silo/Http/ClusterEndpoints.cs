using Microsoft.AspNetCore.Mvc;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Silo.Http;

/// <summary><c>/v1/health</c>, <c>/v1/cluster</c> and node decommissioning.</summary>
public static class ClusterEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(OaisRoutes.Health, () => AisJson.Json(new HealthDto("ok")));
        app.MapGet(OaisRoutes.Cluster, async (IGrainFactory grains, OwnerRouting routing) =>
        {
            var stats = await grains.GetGrain<IClusterViewGrain>(0).Stats();
            return AisJson.Json(new ClusterDto(routing.Local.NodeId, stats.OrderBy(s => s.Node.NodeId, StringComparer.Ordinal).Select(Node).ToList()));
        });

        // Hands the node's objects to the others in the background (202); GET /v1/cluster shows the progress.
        app.MapPost(OaisRoutes.Decommission, async (string id, [FromQuery(Name = OaisQuery.Shutdown)] bool? shutdown, IGrainFactory grains) =>
        {
            var nodes = await grains.GetGrain<IClusterViewGrain>(0).Nodes();
            if (nodes.All(n => n.NodeId != id))
                throw new OaisException(OaisErrorCode.NodeNotFound, $"no active node '{id}' (active: {string.Join(", ", nodes.Select(n => n.NodeId))})");
            var stats = await grains.GetGrain<INodeStoreGrain>(id).Decommission(shutdown ?? false);
            return AisJson.Json(Node(stats), StatusCodes.Status202Accepted);
        }).AddEndpointFilter<OaisErrorFilter>();
    }

    private static ClusterNodeDto Node(NodeStats s) => new(
        s.Node.NodeId, s.Node.SiloAddress, s.Node.HttpUrl, s.State.ToString().ToLowerInvariant(), s.ObjectCount, s.ObjectBytes,
        s.DrainedObjects, s.DrainError, s.Mountpaths.Select(m => new MountpathDto(m.Path, m.TotalBytes, m.AvailableBytes)).ToList(), s.Error, s.Joining);
}
