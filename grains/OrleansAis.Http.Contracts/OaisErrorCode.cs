// The namespace is the grains' own: the code list moved here from OrleansAis.Abstractions so that HTTP clients without
// Orleans share it, and every user of it kept compiling unchanged.
namespace OrleansAis;

/// <summary>
/// What went wrong, independent of transport: the complete list of the <c>code</c> values in the API's error document.
/// HTTP status and S3 codes are mapped from this in one place (the silo's ErrorMapping).
/// </summary>
public enum OaisErrorCode
{
    InvalidArgument = 1,
    InvalidName = 2,
    BucketNotFound = 3,
    ObjectNotFound = 4,
    BucketAlreadyExists = 5,
    BucketNotEmpty = 6,
    InvalidRange = 7,
    ChecksumMismatch = 8,
    Conflict = 9,
    Unavailable = 10,
    EtlNotFound = 11,
    /// <summary>The ETL exists but is not running (stopped, aborted, or still initializing) on the node that was asked.</summary>
    EtlNotRunning = 12,
    /// <summary>The transformer failed (error reply, crash, bad output); the message carries its words.</summary>
    TransformFailed = 13,
    TransformTimeout = 14,
    EtlAlreadyExists = 15,
    NodeNotFound = 16,
    JobNotFound = 17,
    /// <summary>The request itself is malformed (a body shorter than its Content-Length, a parameter that does not bind).</summary>
    BadRequest = 18,
    /// <summary>A /v1 path that names no endpoint.</summary>
    NoSuchEndpoint = 19,
    /// <summary>A transformer endpoint called without the ETL's secret.</summary>
    Forbidden = 20,
    /// <summary>A conditional request (If-Match, If-None-Match, If-Unmodified-Since) whose condition does not hold: 412, nothing changed.</summary>
    PreconditionFailed = 21,
    /// <summary>No transform-on-write rule from that source to that destination bucket.</summary>
    FollowRuleNotFound = 22,
}
