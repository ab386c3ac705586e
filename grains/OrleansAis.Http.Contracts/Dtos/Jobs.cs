namespace OrleansAis.Http.Contracts;

// Offline ETL jobs (docs/ETL.md). States and modes stay the server's strings.

/// <summary>The body of <c>POST /v1/jobs/etl</c>; a null field takes the server's default.</summary>
public sealed record JobStartRequest
{
    public string? Etl { get; init; }
    public string? FromBucket { get; init; }
    public string? ToBucket { get; init; }
    public string? Prefix { get; init; }
    public IReadOnlyList<string>? Names { get; init; }
    /// <summary>A brace template such as <c>shard-{000..999}.tar</c>.</summary>
    public string? Template { get; init; }
    /// <summary>Extension map, e.g. {"flac":"wav"}.</summary>
    public IReadOnlyDictionary<string, string>? Ext { get; init; }
    public string? Prepend { get; init; }
    public int? NumWorkers { get; init; }
    /// <summary>"transform" (the default), "dry-run" or "inspect".</summary>
    public string? Mode { get; init; }
    public bool? DryRun { get; init; }
    public bool? ContinueOnError { get; init; }
    public bool? CreateDestination { get; init; }
    public bool? Incremental { get; init; }
    /// <summary>With <see cref="Etl"/>: its args; with <see cref="Pipeline"/>: args every stage gets (as AIStore forwards them).</summary>
    public string? EtlArgs { get; init; }
    /// <summary>ETLs applied in order to every object, instead of <see cref="Etl"/>: <c>["a","b"]</c>.</summary>
    public IReadOnlyList<string>? Pipeline { get; init; }
    /// <summary>One etl_args per <see cref="Pipeline"/> stage, in order (null or "" for none); instead of <see cref="EtlArgs"/>.</summary>
    public IReadOnlyList<string?>? PipelineArgs { get; init; }
}

public sealed record JobSummaryDto(string Id, string State, string Etl, string Mode, string FromBucket, string? ToBucket,
    long Objects, long Errors, DateTimeOffset Started, DateTimeOffset? Finished);

/// <summary><c>GET /v1/jobs</c>.</summary>
/// <remarks><see cref="Degraded"/>: why some of it was read from stored state (the silo of the job index or a job is not reachable); null normally.</remarks>
public sealed record JobListDto(IReadOnlyList<JobSummaryDto> Jobs, string? Degraded = null);

/// <summary><c>GET /v1/jobs/{id}</c> (and the answer to start and abort).</summary>
/// <remarks>
/// <see cref="TotalObjects"/> and <see cref="TotalBytes"/>: what the job selected, known once every node has counted its
/// share (before transforming it); null until then. Done, skipped and errors add up to the total when the job succeeds.
/// </remarks>
public sealed record JobDetailsDto(string Id, string State, string? Reason, DateTimeOffset Started, DateTimeOffset? Finished,
    JobRequestDto Request, long Objects, long BytesIn, long BytesOut, long Skipped, long Errors, IReadOnlyList<JobNodeDto> Nodes,
    string? Degraded = null, long? TotalObjects = null, long? TotalBytes = null);

/// <summary>The request as the job runs it, defaults filled in.</summary>
/// <remarks><see cref="Etl"/> is the ETL, or a pipeline's stages as <c>a&gt;&gt;b</c>; <see cref="Pipeline"/> is set for a pipeline job only.</remarks>
public sealed record JobRequestDto(string Etl, string FromBucket, string? ToBucket, string Prefix, IReadOnlyList<string>? Names,
    string? Template, IReadOnlyDictionary<string, string> Ext, string Prepend, int NumWorkers, string Mode, bool ContinueOnError,
    bool Incremental, string? EtlArgs, IReadOnlyList<JobPipelineStageDto>? Pipeline = null);

/// <summary>One stage of a pipeline job: the ETL and the etl_args it gets.</summary>
public sealed record JobPipelineStageDto(string Etl, string? EtlArgs);

/// <summary>
/// One silo's part of a job; <see cref="State"/> is <see cref="Unreachable"/> while the node does not answer (<see cref="Message"/> says why).
/// <see cref="TotalObjects"/>/<see cref="TotalBytes"/>: its share, once counted; <see cref="Resumed"/>: how often it resumed its share after a restart.
/// </summary>
public sealed record JobNodeDto(string Node, string State, long Objects, long BytesIn, long BytesOut, long Skipped, long ErrorCount,
    IReadOnlyList<JobObjectErrorDto> Errors, double ElapsedSeconds, string? Message, long? TotalObjects = null, long? TotalBytes = null,
    int Resumed = 0)
{
    public const string Unreachable = "Unreachable";
}

public sealed record JobObjectErrorDto(string Name, string Message);
