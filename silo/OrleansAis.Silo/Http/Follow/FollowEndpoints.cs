using OrleansAis.Cluster;
using OrleansAis.Etl;
using OrleansAis.Follow;
using OrleansAis.Http.Contracts;
using OrleansAis.Status;

namespace OrleansAis.Silo.Http.Follow;

/// <summary>
/// Transform-on-write rules: <c>PUT /v1/buckets/{bucket}/transforms</c> adds (or replaces) the rule from that bucket into
/// <c>to_bucket</c>, <c>GET</c> lists its rules with every node's figures (<c>GET /v1/transforms</c>: all rules), and
/// <c>DELETE /v1/buckets/{bucket}/transforms/{to_bucket}</c> removes one.
/// </summary>
public static class FollowEndpoints
{
    private static IFollowRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IFollowRegistryGrain>(IFollowRegistryGrain.Key);

    public static void Map(IEndpointRouteBuilder app)
    {
        var follow = app.MapGroup("").AddEndpointFilter<OaisErrorFilter>();
        follow.MapPut(OaisRoutes.BucketTransforms, Put);
        follow.MapGet(OaisRoutes.BucketTransforms, (string bucket, IGrainFactory grains, ClusterMap cluster, NodeCalls calls) =>
        {
            Naming.Names.EnsureValidBucketName(bucket);
            return ListAsync(bucket, grains, cluster, calls);
        });
        follow.MapGet(OaisRoutes.Transforms, (IGrainFactory grains, ClusterMap cluster, NodeCalls calls) => ListAsync(null, grains, cluster, calls));
        follow.MapDelete(OaisRoutes.BucketTransform, async (string bucket, [Microsoft.AspNetCore.Mvc.FromRoute(Name = "to_bucket")] string toBucket, IGrainFactory grains) =>
        {
            Naming.Names.EnsureValidBucketName(bucket);
            Naming.Names.EnsureValidBucketName(toBucket);
            await Registry(grains).Delete(bucket, toBucket);
            return Results.NoContent();
        });
    }

    private static async Task<IResult> Put(string bucket, HttpRequest request, IGrainFactory grains, ClusterMap cluster, NodeCalls calls)
    {
        var body = await AisJson.ReadBodyAsync<FollowRuleRequest>(request, "a rule such as {\"etl\":...,\"to_bucket\":...}");
        var pipeline = EtlPipeline.FromRequest(body.Etl, body.EtlArgs, body.Pipeline, body.PipelineArgs);
        var rule = FollowRule.Create(body.Etl, pipeline, bucket, body.ToBucket ?? "", body.Ext, body.Prepend, body.EtlArgs, DateTimeOffset.UtcNow);
        var stored = await Registry(grains).Put(rule, body.CreateDestination ?? false);
        var statuses = await NodeStatusesAsync(grains, cluster, calls);
        return AisJson.Json(Dto(stored, statuses));
    }

    private static async Task<IResult> ListAsync(string? bucket, IGrainFactory grains, ClusterMap cluster, NodeCalls calls)
    {
        var rules = await Registry(grains).List(bucket);
        var statuses = rules.Count == 0 ? [] : await NodeStatusesAsync(grains, cluster, calls);
        return AisJson.Json(new FollowRuleListDto(rules.Select(r => Dto(r, statuses)).ToList()));
    }

    /// <summary>Every active node's figures for all its rules; a node that does not answer in time comes with the reason.</summary>
    private static async Task<IReadOnlyList<NodeFigures>> NodeStatusesAsync(IGrainFactory grains, ClusterMap cluster, NodeCalls calls)
    {
        var nodes = cluster.Current.ActiveNodes.Select(n => n.NodeId).Order(StringComparer.Ordinal).ToList();
        var answers = await Task.WhenAll(nodes.Select(n => calls.Ask(n, () => grains.GetGrain<IFollowNodeGrain>(n).Status())));
        return nodes.Zip(answers, (node, answer) => new NodeFigures(node, answer.Value ?? [], answer.Unreachable)).ToList();
    }

    private static FollowRuleDto Dto(FollowRule rule, IReadOnlyList<NodeFigures> nodes) => new(
        rule.Source, rule.Destination, rule.Pipeline.Name, rule.Transform.ExtensionMap, rule.Transform.Prepend, rule.Transform.EtlArgs, rule.Created,
        nodes.Select(n => (n, Status: n.Statuses.FirstOrDefault(s => s.RuleId == rule.Id)))
            // A node that answered without the rule has not loaded it yet: nothing to show for it.
            .Where(x => x.Status is not null || x.n.Unreachable is not null)
            .Select(x => x.Status is { } s
                ? new FollowNodeDto(s.NodeId, s.Pending, s.Done, s.Deleted, s.Failed, s.LagSeconds, s.Overflowed,
                    s.Failures.Select(f => new JobObjectErrorDto(f.Name, f.Message)).ToList(), s.LastReconcile, null)
                : new FollowNodeDto(x.n.Node, 0, 0, 0, 0, 0, 0, [], null, x.n.Unreachable))
            .ToList(),
        rule.Transform.Pipeline?.Stages.Select(stage => new JobPipelineStageDto(stage.Etl, stage.EtlArgs)).ToList());

    private sealed record NodeFigures(string Node, IReadOnlyList<FollowNodeStatus> Statuses, string? Unreachable);
}
