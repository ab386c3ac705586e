namespace OrleansAis.Http.Contracts;

/// <summary>The transform-on-write rules (<c>/v1/buckets/{bucket}/transforms</c>).</summary>
public sealed partial class OaisHttpClient
{
    /// <summary>Adds the rule from <paramref name="fromBucket"/> into <c>rule.ToBucket</c>, or replaces the one between them.</summary>
    public async Task<FollowRuleDto> PutFollowRuleAsync(string fromBucket, FollowRuleRequest rule, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, OaisRoutes.BucketTransformsPath(fromBucket)) { Content = Json(rule) };
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<FollowRuleDto>(response, ct);
    }

    /// <summary>The rules reading <paramref name="fromBucket"/>, or every rule when it is null, with each node's figures.</summary>
    public async Task<IReadOnlyList<FollowRuleDto>> ListFollowRulesAsync(string? fromBucket, CancellationToken ct) =>
        (await GetJsonAsync<FollowRuleListDto>(fromBucket is null ? OaisRoutes.TransformsPath() : OaisRoutes.BucketTransformsPath(fromBucket), ct)).Rules;

    /// <summary>Removes the rule; the objects it produced stay. 404 FollowRuleNotFound when there is none.</summary>
    public async Task DeleteFollowRuleAsync(string fromBucket, string toBucket, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, OaisRoutes.BucketTransformPath(fromBucket, toBucket));
        using var response = await SendAsync(request, ct);
    }
}
