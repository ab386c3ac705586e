namespace OrleansAis.Loader.Http;

/// <summary>
/// What one object request came to: success with the bytes moved (and, for GETs, what the body reader found), or a
/// failure with its kind and detail. Failures are values, not exceptions: a load run expects them.
/// </summary>
internal sealed record RequestOutcome<T>(bool Succeeded, long Bytes, T? Value, string? ErrorKind, string? ErrorDetail, Uri Endpoint)
{
    public static RequestOutcome<T> Success(long bytes, T? value, Uri endpoint) => new(true, bytes, value, null, null, endpoint);

    public static RequestOutcome<T> Failure(string kind, string detail, Uri endpoint) => new(false, 0, default, kind, detail, endpoint);
}
