using OrleansAis.Jobs;

namespace OrleansAis.Events;

public enum JobEventKind
{
    /// <summary>A node's running counters (about once a second while it works, and once when its share ends).</summary>
    Progress = 0,
    /// <summary>The job as a whole changed state; the last event of a job is one of these with a final state.</summary>
    State = 1,
}

/// <summary>Progress of one node's share of a job, or a change of the whole job's state.</summary>
[GenerateSerializer, Immutable, Alias("oais.JobEvent")]
public sealed class JobEvent
{
    [Id(0)] public JobEventKind Kind { get; init; }
    [Id(1)] public required string JobId { get; init; }
    /// <summary>The node reporting progress; null for a state change of the whole job.</summary>
    [Id(2)] public string? Node { get; init; }
    /// <summary>The node's state (progress) or the job's (state).</summary>
    [Id(3)] public JobState State { get; init; }
    /// <summary>Counters of the node (progress) or of the whole job (state).</summary>
    [Id(4)] public long Objects { get; init; }
    [Id(5)] public long BytesIn { get; init; }
    [Id(6)] public long BytesOut { get; init; }
    [Id(7)] public long Skipped { get; init; }
    [Id(8)] public long Errors { get; init; }
    /// <summary>The reason of a failed or aborted job, or a node's message.</summary>
    [Id(9)] public string? Message { get; init; }
    [Id(10)] public DateTimeOffset Time { get; init; }
    /// <summary>
    /// The objects and bytes selected: of the node's share (progress, once counted, before it transforms anything), or of
    /// the whole job (state, once every node counted); null until known.
    /// </summary>
    [Id(11)] public long? TotalObjects { get; init; }
    [Id(12)] public long? TotalBytes { get; init; }

    public bool IsFinal => Kind == JobEventKind.State && State != JobState.Running;

    /// <summary>The event a finished job's end published, rebuilt from its status (for a watcher that subscribed late); null while it runs.</summary>
    public static JobEvent? FinalOf(EtlJobStatus status) => status.State == JobState.Running ? null : new JobEvent
    {
        Kind = JobEventKind.State, JobId = status.Id, State = status.State, Message = status.Reason, Objects = status.Objects,
        BytesIn = status.BytesIn, BytesOut = status.BytesOut, Skipped = status.Skipped, Errors = status.ErrorCount,
        Time = status.Finished ?? status.Started, TotalObjects = status.TotalObjects, TotalBytes = status.TotalBytes,
    };
}
