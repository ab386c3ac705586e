namespace OrleansAis.Http.Contracts;

// Server-sent events of GET /v1/events (docs/EVENTS.md): each event's `event:` field is its kind below, its `data:`
// one of these documents as JSON.

/// <summary>The kinds of event, as the <c>event:</c> field of a server-sent event names them.</summary>
public static class OaisEventKinds
{
    public const string ObjectCreated = "object.created";
    public const string ObjectOverwritten = "object.overwritten";
    public const string ObjectDeleted = "object.deleted";
    public const string EtlStage = "etl.stage";
    public const string EtlRestarted = "etl.restarted";
    public const string JobProgress = "job.progress";
    public const string JobState = "job.state";
    /// <summary>The stream answered: the subscription is in place, and every later event on it is sent.</summary>
    public const string Subscribed = "subscribed";
    /// <summary>Events were dropped because this connection read them slower than they came (data: <see cref="EventsLostDto"/>).</summary>
    public const string Lost = "lost";
}

public sealed record ObjectEventDto(string Kind, string Bucket, string Name, long Version, long Size, string? Etag, string? Checksum,
    string Node, DateTimeOffset Time);

/// <summary><c>Stage</c> is Initializing, Running or Aborted; <c>Reason</c> the abort reason or the crash being restarted from.</summary>
public sealed record EtlEventDto(string Kind, string Etl, string Node, string Stage, int Restarts, string? Reason, DateTimeOffset Time);

/// <summary>
/// job.progress: one node's counters (<c>Node</c> set, <c>State</c> the node's). job.state: the whole job's state and the
/// counters of its finished nodes (<c>Node</c> null); the last event of a job is a job.state whose state is not running.
/// <c>TotalObjects</c>/<c>TotalBytes</c>: the node's share (progress) or the job's selection (state), once counted; else null.
/// </summary>
public sealed record JobEventDto(string Kind, string Job, string? Node, string State, long Objects, long BytesIn, long BytesOut,
    long Skipped, long Errors, string? Message, DateTimeOffset Time, long? TotalObjects = null, long? TotalBytes = null);

public sealed record EventsLostDto(long Count);
