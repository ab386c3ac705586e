namespace OrleansAis.Http.Contracts;

// Transform-on-write rules (docs/ETL.md "Transform on write"). Field names are the offline job's (JobStartRequest).

/// <summary>The body of <c>PUT /v1/buckets/{bucket}/transforms</c>: the rule from that bucket into <see cref="ToBucket"/>.</summary>
public sealed record FollowRuleRequest
{
    public string? Etl { get; init; }
    public string? ToBucket { get; init; }
    /// <summary>Extension map, e.g. {"flac":"wav"}.</summary>
    public IReadOnlyDictionary<string, string>? Ext { get; init; }
    public string? Prepend { get; init; }
    public string? EtlArgs { get; init; }
    /// <summary>ETLs applied in order, instead of <see cref="Etl"/>: <c>["a","b"]</c>.</summary>
    public IReadOnlyList<string>? Pipeline { get; init; }
    /// <summary>One etl_args per <see cref="Pipeline"/> stage, in order; instead of <see cref="EtlArgs"/>.</summary>
    public IReadOnlyList<string?>? PipelineArgs { get; init; }
    public bool? CreateDestination { get; init; }
}

/// <summary>One rule and its work on every node.</summary>
/// <remarks><see cref="Etl"/> is the ETL, or a pipeline's stages as <c>a&gt;&gt;b</c>; <see cref="Pipeline"/> is set for a pipeline only.</remarks>
public sealed record FollowRuleDto(string FromBucket, string ToBucket, string Etl, IReadOnlyDictionary<string, string> Ext, string Prepend,
    string? EtlArgs, DateTimeOffset Created, IReadOnlyList<FollowNodeDto> Nodes, IReadOnlyList<JobPipelineStageDto>? Pipeline = null);

/// <summary>
/// One rule on one node: objects queued or running, destinations written, derived objects deleted, failures (the most
/// recent with names and messages), and the lag (age of the oldest pending write, seconds). <see cref="Message"/> says
/// why a node that did not answer is missing its figures.
/// </summary>
public sealed record FollowNodeDto(string Node, long Pending, long Done, long Deleted, long Failed, double LagSeconds, long Overflowed,
    IReadOnlyList<JobObjectErrorDto> Failures, DateTimeOffset? LastReconcile, string? Message);

/// <summary><c>GET /v1/buckets/{bucket}/transforms</c> and <c>GET /v1/transforms</c>.</summary>
public sealed record FollowRuleListDto(IReadOnlyList<FollowRuleDto> Rules);
