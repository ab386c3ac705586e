namespace OrleansAis.Jobs;

public enum JobState
{
    Running = 0,
    Succeeded = 1,
    /// <summary>Stopped by an error (the first one, unless continue_on_error).</summary>
    Failed = 2,
    Aborted = 3,
    /// <summary>
    /// A silo running part of the job was down longer than <c>Jobs:NodeDownTimeout</c> (a silo that restarts resumes its
    /// share instead); what it had done is kept.
    /// </summary>
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
    /// <summary>The objects of this node's share, counted before it transforms them; null until counted.</summary>
    [Id(11)] public long? TotalObjects { get; init; }
    /// <summary>The bytes of this node's share (source sizes), counted with <see cref="TotalObjects"/>.</summary>
    [Id(12)] public long? TotalBytes { get; init; }
    /// <summary>How often this node's share started again: after a restart of the node, or a re-walk after the owners changed.</summary>
    [Id(13)] public int Resumed { get; init; }
    /// <summary>The job's walk this report belongs to: 0 the first, one more for each re-walk after the owners changed.</summary>
    [Id(14)] public int Round { get; init; }

    /// <summary>This node's counters and errors after those of <paramref name="later"/>, a later pass over its share (a re-walk).</summary>
    public JobNodeStatus Then(JobNodeStatus later) => new()
    {
        NodeId = NodeId, State = later.State, Objects = Objects + later.Objects, BytesIn = BytesIn + later.BytesIn,
        BytesOut = BytesOut + later.BytesOut, Skipped = Skipped + later.Skipped, ErrorCount = ErrorCount + later.ErrorCount,
        Errors = [.. Errors, .. later.Errors.Take(Math.Max(0, MaxListedErrors - Errors.Count))], Elapsed = Elapsed + later.Elapsed,
        Message = later.Message, Unreachable = later.Unreachable, TotalObjects = TotalObjects ?? later.TotalObjects,
        TotalBytes = TotalBytes ?? later.TotalBytes, Resumed = Resumed + later.Resumed, Round = later.Round,
    };
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

    /// <summary>The objects the job selected, once every node has counted its share (before transforming it); else null.</summary>
    public long? TotalObjects => Nodes.Count > 0 && Nodes.All(n => n.TotalObjects is not null) ? Nodes.Sum(n => n.TotalObjects!.Value) : null;

    /// <summary>The bytes the job selected, with <see cref="TotalObjects"/>.</summary>
    public long? TotalBytes => Nodes.Count > 0 && Nodes.All(n => n.TotalBytes is not null) ? Nodes.Sum(n => n.TotalBytes!.Value) : null;
}
