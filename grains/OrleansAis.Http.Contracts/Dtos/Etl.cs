namespace OrleansAis.Http.Contracts;

// The ETL documents (docs/ETL.md). Stages stay the server's strings, so a client that does not know a new one still
// shows it as it is.

public sealed record EtlSummaryDto(string Name, string Stage, string Communication, string? AbortReason, long Objects, long Errors);

/// <summary><c>GET /v1/etl</c>.</summary>
/// <remarks><see cref="Degraded"/>: why the list was read from the registry's stored state (its silo is not reachable); null normally.</remarks>
public sealed record EtlListDto(IReadOnlyList<EtlSummaryDto> Etls, string? Degraded = null);

/// <summary><c>GET /v1/etl/{name}</c> (and the answer to init, stop, start): the spec as the cluster holds it and every silo's report.</summary>
/// <remarks><see cref="Degraded"/>: why this was read from the registry's stored state (its silo is not reachable); null normally.</remarks>
public sealed record EtlDetailsDto(string Name, string Stage, string? AbortReason, EtlSpecDto Spec, IReadOnlyList<EtlNodeDto> Nodes, string? Degraded = null);

/// <summary>
/// One silo's transformer. <see cref="Stage"/> is Initializing, Running, Aborted, or <see cref="Unreachable"/> when the
/// node did not answer in time (crashed and not yet declared dead; <see cref="Error"/> says why, the counts are unknown).
/// </summary>
public sealed record EtlNodeDto(string Node, string Stage, string? Error, string? LastTransformError, string Runtime, string? Endpoint, string? Transport, int Restarts,
    long Objects, long BytesIn, long BytesOut, long Errors)
{
    public const string Unreachable = "Unreachable";
}

/// <summary>An ETL spec in AIS field names; the timeouts are Go durations such as "45s".</summary>
public sealed record EtlSpecDto(
    string Name,
    EtlRuntimeDto Runtime,
    string Communication,
    string Argument,
    string InitTimeout,
    string ObjTimeout,
    bool SupportDirectPut,
    IReadOnlyDictionary<string, string> Env,
    EtlResourcesDto Resources);

public sealed record EtlRuntimeDto(string? Image, IReadOnlyList<string> Command, IReadOnlyDictionary<string, string> Env, EtlPythonDto? Python);

/// <summary><c>runtime.python</c>: a Python function or class run under the SDK with no image of its own.</summary>
public sealed record EtlPythonDto(string Source, string Function, IReadOnlyList<string> Packages);

/// <summary>Limits per transformer: <see cref="Memory"/> in bytes, <see cref="CpuNanos"/> in billionths of a CPU.</summary>
public sealed record EtlResourcesDto(long? Memory, long? CpuNanos);

/// <summary><c>GET /v1/etl/{name}/logs</c>: the tail of each node's transformer log, by node id.</summary>
public sealed record EtlLogsDto(string Name, IReadOnlyDictionary<string, string> Logs);

/// <summary><c>GET /v1/etl/{name}/metrics</c>.</summary>
public sealed record EtlMetricsDto(string Name, IReadOnlyList<EtlNodeMetricsDto> Nodes);

public sealed record EtlNodeMetricsDto(string Node, string Stage, long Objects, long BytesIn, long BytesOut, long Errors, int Restarts);

/// <summary>The body of <c>POST /v1/etl/{name}/copy</c>: both objects as <c>bucket/object</c>.</summary>
public sealed record EtlCopyRequest(string? From, string? To, string? EtlArgs);

public sealed record EtlCopyResultDto(string From, string To, string Etl, long Bytes, string Node);
