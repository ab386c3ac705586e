namespace OrleansAis.Etl;

/// <summary>Lifecycle of an ETL: Initializing -> Running -> Aborted (stop, error, timeout) -> Initializing (start).</summary>
public enum EtlStage
{
    Initializing = 0,
    Running = 1,
    Aborted = 2,
}

/// <summary>One silo's transformer for one ETL.</summary>
[GenerateSerializer, Immutable, Alias("oais.EtlNodeStatus")]
public sealed class EtlNodeStatus
{
    [Id(0)] public required string NodeId { get; init; }
    [Id(1)] public EtlStage Stage { get; init; }
    [Id(2)] public string? Error { get; init; }
    /// <summary>"docker" or "process".</summary>
    [Id(3)] public string Runtime { get; init; } = "";
    /// <summary>Where the transformer listens (none for io://).</summary>
    [Id(4)] public string? Endpoint { get; init; }
    [Id(5)] public EtlCounters Counters { get; init; } = new();
    [Id(6)] public int Restarts { get; init; }
    /// <summary>How this node reaches its transformer: "unix" (its Unix socket), "tcp" (loopback), or none for io://.</summary>
    [Id(7)] public string? Transport { get; init; }
    /// <summary>"TIME bucket/object: message" of the last object that failed on this node, or null.</summary>
    [Id(8)] public string? LastTransformError { get; init; }
    /// <summary>The node did not answer (crashed, not yet declared dead); <see cref="Error"/> says why, the rest is unknown.</summary>
    [Id(9)] public bool Unreachable { get; init; }
}

[GenerateSerializer, Immutable, Alias("oais.EtlCounters")]
public sealed class EtlCounters
{
    [Id(0)] public long Objects { get; init; }
    [Id(1)] public long BytesIn { get; init; }
    [Id(2)] public long BytesOut { get; init; }
    [Id(3)] public long Errors { get; init; }
}

/// <summary>The cluster's view of an ETL: its spec, desired stage, and every node's report.</summary>
[GenerateSerializer, Immutable, Alias("oais.EtlInfo")]
public sealed class EtlInfo
{
    [Id(0)] public required EtlSpec Spec { get; init; }
    /// <summary>The cluster-wide stage: Running only when every node runs it.</summary>
    [Id(1)] public EtlStage Stage { get; init; }
    [Id(2)] public string? AbortReason { get; init; }
    [Id(3)] public IReadOnlyList<EtlNodeStatus> Nodes { get; init; } = [];
}
