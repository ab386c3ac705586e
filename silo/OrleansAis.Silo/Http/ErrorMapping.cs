namespace OrleansAis.Silo.Http;

/// <summary>The one mapping from <see cref="OaisErrorCode"/> to HTTP status codes (AIS paths and S3 share it).</summary>
public static class ErrorMapping
{
    public static int StatusOf(OaisErrorCode code) => code switch
    {
        OaisErrorCode.InvalidArgument or OaisErrorCode.InvalidName or OaisErrorCode.ChecksumMismatch or OaisErrorCode.BadRequest
            => StatusCodes.Status400BadRequest,
        OaisErrorCode.Forbidden => StatusCodes.Status403Forbidden,
        OaisErrorCode.BucketNotFound or OaisErrorCode.ObjectNotFound or OaisErrorCode.EtlNotFound or OaisErrorCode.NodeNotFound
            or OaisErrorCode.JobNotFound or OaisErrorCode.NoSuchEndpoint or OaisErrorCode.FollowRuleNotFound
            => StatusCodes.Status404NotFound,
        OaisErrorCode.BucketAlreadyExists or OaisErrorCode.BucketNotEmpty or OaisErrorCode.Conflict
            or OaisErrorCode.EtlAlreadyExists or OaisErrorCode.EtlNotRunning => StatusCodes.Status409Conflict,
        OaisErrorCode.TransformFailed => StatusCodes.Status500InternalServerError,
        OaisErrorCode.TransformTimeout => StatusCodes.Status504GatewayTimeout,
        OaisErrorCode.InvalidRange => StatusCodes.Status416RangeNotSatisfiable,
        OaisErrorCode.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        OaisErrorCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
