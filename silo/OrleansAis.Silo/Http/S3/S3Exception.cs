using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.S3;

/// <summary>An S3 error: the code and HTTP status S3 clients act on (they switch on <see cref="Code"/>), and a message.</summary>
public sealed class S3Exception(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    /// <summary>Extra elements of the error document (S3 adds e.g. the string to sign to SignatureDoesNotMatch).</summary>
    public Dictionary<string, string> Details { get; } = [];

    /// <summary>Response headers that belong to the error (e.g. Content-Range of a 416).</summary>
    public Dictionary<string, string> Headers { get; } = [];

    public static S3Exception AccessDenied(string message) => new(StatusCodes.Status403Forbidden, "AccessDenied", message);
    public static S3Exception SignatureDoesNotMatch(string message) => new(StatusCodes.Status403Forbidden, "SignatureDoesNotMatch", message);
    public static S3Exception AuthorizationHeaderMalformed(string message) => new(StatusCodes.Status400BadRequest, "AuthorizationHeaderMalformed", message);
    public static S3Exception InvalidArgument(string message) => new(StatusCodes.Status400BadRequest, "InvalidArgument", message);
    public static S3Exception InvalidRequest(string message) => new(StatusCodes.Status400BadRequest, "InvalidRequest", message);
    public static S3Exception IncompleteBody(string message) => new(StatusCodes.Status400BadRequest, "IncompleteBody", message);
    public static S3Exception BadDigest(string message) => new(StatusCodes.Status400BadRequest, "BadDigest", message);
    public static S3Exception MalformedXml(string message) => new(StatusCodes.Status400BadRequest, "MalformedXML", message);
    public static S3Exception NoSuchUpload(string uploadId) => new(StatusCodes.Status404NotFound, "NoSuchUpload",
        $"upload '{uploadId}' does not exist: it was completed, aborted, or its silo restarted");
    public static S3Exception NotImplemented(string what) => new(StatusCodes.Status501NotImplemented, "NotImplemented", $"{what} is not supported by this S3 endpoint");
    public static S3Exception MethodNotAllowed(string method) => new(StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", $"{method} is not allowed on this resource");

    /// <summary>A bad bucket name or object key, with the code S3 uses for it.</summary>
    public static S3Exception BadName(string problem, bool isBucket, bool tooLong) =>
        isBucket ? new(StatusCodes.Status400BadRequest, "InvalidBucketName", problem)
        : tooLong ? new(StatusCodes.Status400BadRequest, "KeyTooLongError", problem)
        : InvalidArgument(problem);

    /// <summary>Core errors in S3's words; the status comes from the one shared <see cref="ErrorMapping"/>.</summary>
    public static S3Exception From(OaisException e) => new(ErrorMapping.StatusOf(e.Code), e.Code switch
    {
        OaisErrorCode.BucketNotFound => "NoSuchBucket",
        OaisErrorCode.ObjectNotFound => "NoSuchKey",
        OaisErrorCode.BucketAlreadyExists => "BucketAlreadyOwnedByYou", // one tenant: every existing bucket is the caller's
        OaisErrorCode.BucketNotEmpty => "BucketNotEmpty",
        OaisErrorCode.InvalidRange => "InvalidRange",
        OaisErrorCode.ChecksumMismatch => "BadDigest",
        OaisErrorCode.Conflict => "OperationAborted",
        OaisErrorCode.PreconditionFailed => "PreconditionFailed",
        OaisErrorCode.Unavailable => "ServiceUnavailable",
        OaisErrorCode.InvalidArgument or OaisErrorCode.InvalidName => "InvalidArgument",
        _ => "InternalError",
    }, e.Message);

    public static S3Exception From(MultipartUploadException e) => e.Problem switch
    {
        MultipartProblem.NoSuchUpload => NoSuchUpload(e.UploadId),
        MultipartProblem.EntityTooSmall => new(StatusCodes.Status400BadRequest, "EntityTooSmall", e.Message),
        MultipartProblem.InvalidPartOrder => new(StatusCodes.Status400BadRequest, "InvalidPartOrder", e.Message),
        _ => new(StatusCodes.Status400BadRequest, "InvalidPart", e.Message),
    };
}
