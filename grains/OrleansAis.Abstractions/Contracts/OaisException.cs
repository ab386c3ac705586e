namespace OrleansAis;

/// <summary>What went wrong, independent of transport. HTTP status and S3 codes are mapped from this in one place.</summary>
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
}

/// <summary>An error the caller can act on; crosses grain boundaries with its code and message intact.</summary>
[GenerateSerializer, Alias("oais.OaisException")]
public sealed class OaisException : Exception
{
    public OaisException(OaisErrorCode code, string message) : base(message) => Code = code;

    [Id(0)] public OaisErrorCode Code { get; private set; }

    public static OaisException BucketNotFound(string bucket) =>
        new(OaisErrorCode.BucketNotFound, $"bucket '{bucket}' does not exist");

    public static OaisException EtlNotFound(string name) =>
        new(OaisErrorCode.EtlNotFound, $"ETL '{name}' does not exist");

    public static OaisException ObjectNotFound(string bucket, string name) =>
        new(OaisErrorCode.ObjectNotFound, $"object '{bucket}/{name}' does not exist");
}
