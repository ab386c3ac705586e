namespace OrleansAis.Jobs;

public enum JobState
{
    Running = 0,
    Succeeded = 1,
    /// <summary>Stopped by an error (the first one, unless continue_on_error).</summary>
    Failed = 2,
    Aborted = 3,
    /// <summary>A silo running part of the job went away or restarted; what it had done is kept, the rest is not resumed.</summary>
    Interrupted = 4,
}

[GenerateSerializer, Immutable, Alias("oais.JobObjectError")]
public sealed class JobObjectError
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required string Message { get; init; }
}

/// <summary>One silo's part of a job.</summary>
[GenerateSerializer, Immutable, Alias("oais.JobNodeStatus")]
public sealed class JobNodeStatus
{
    public const int MaxListedErrors = 1000;

    [Id(0)] public required string NodeId { get; init; }
    [Id(1)] public JobState State { get; init; }
    [Id(2)] public long Objects { get; init; }
    [Id(3)] public long BytesIn { get; init; }
    [Id(4)] public long BytesOut { get; init; }
    [Id(5)] public long Skipped { get; init; }
    [Id(6)] public long ErrorCount { get; init; }
    /// <summary>The first <see cref="MaxListedErrors"/> failed objects with their messages.</summary>
    [Id(7)] public IReadOnlyList<JobObjectError> Errors { get; init; } = [];
    [Id(8)] public TimeSpan Elapsed { get; init; }
    [Id(9)] public string? Message { get; init; }
    /// <summary>The node did not answer in time (crashed, not yet declared dead); <see cref="Message"/> says why.</summary>
    [Id(10)] public bool Unreachable { get; init; }
}

[GenerateSerializer, Immutable, Alias("oais.EtlJobStatus")]
public sealed class EtlJobStatus
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required EtlJobRequest Request { get; init; }
    [Id(2)] public JobState State { get; init; }
    [Id(3)] public DateTimeOffset Started { get; init; }
    [Id(4)] public DateTimeOffset? Finished { get; init; }
    [Id(5)] public string? Reason { get; init; }
    [Id(6)] public IReadOnlyList<JobNodeStatus> Nodes { get; init; } = [];

    public long Objects => Nodes.Sum(n => n.Objects);
    public long BytesIn => Nodes.Sum(n => n.BytesIn);
    public long BytesOut => Nodes.Sum(n => n.BytesOut);
    public long Skipped => Nodes.Sum(n => n.Skipped);
    public long ErrorCount => Nodes.Sum(n => n.ErrorCount);
}
