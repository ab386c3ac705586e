using System.Net;

namespace OrleansAis.Http.Contracts;

/// <summary>The server answered with an error; <see cref="Code"/> and <see cref="Exception.Message"/> are its own words.</summary>
public sealed class OaisApiException(HttpStatusCode status, string? serverCode, string message) : Exception(message)
{
    /// <summary>The code of an answer that succeeded but is not the document the call expects (a client-side finding).</summary>
    public const string UnexpectedResponseCode = "UnexpectedResponse";

    public HttpStatusCode Status { get; } = status;

    /// <summary>The error document's code; null when the answer was not the API's error document (a proxy's page, no body).</summary>
    public string? ServerCode { get; } = serverCode;

    /// <summary>The server's code, else the status name (NotFound, BadGateway).</summary>
    public string Code => ServerCode ?? Status.ToString();

    /// <summary>The code as the grains know it; an answer without a known code is judged by its status.</summary>
    public OaisErrorCode ErrorCode =>
        Enum.TryParse<OaisErrorCode>(ServerCode, out var code) && Enum.IsDefined(code) ? code : Status switch
        {
            HttpStatusCode.NotFound => OaisErrorCode.ObjectNotFound,
            HttpStatusCode.GatewayTimeout => OaisErrorCode.TransformTimeout,
            HttpStatusCode.InternalServerError => OaisErrorCode.TransformFailed,
            HttpStatusCode.RequestedRangeNotSatisfiable => OaisErrorCode.InvalidRange,
            HttpStatusCode.Conflict => OaisErrorCode.Conflict,
            HttpStatusCode.BadRequest => OaisErrorCode.InvalidArgument,
            HttpStatusCode.Forbidden => OaisErrorCode.Forbidden,
            _ => OaisErrorCode.Unavailable,
        };
}

/// <summary>
/// The endpoint could not be reached, or the connection broke before the server answered. An
/// <see cref="HttpRequestException"/> with the cause's <see cref="HttpRequestError"/>, so callers that catch those keep working.
/// </summary>
public sealed class OaisConnectionException(Uri endpoint, string reason, Exception inner)
    : HttpRequestException((inner as HttpRequestException)?.HttpRequestError ?? HttpRequestError.Unknown, $"cannot reach {endpoint}: {reason}", inner)
{
    public Uri Endpoint { get; } = endpoint;
}

/// <summary>
/// The node asked does not serve the request itself and points elsewhere (a GET or HEAD of an object another node owns:
/// 307 to the owner). Seen only through an <see cref="HttpClient"/> that does not follow redirects, as an owner-routing
/// client configures it: the answer says "not mine", so the client's view of the cluster is out of date.
/// </summary>
public sealed class OaisRedirectException(HttpStatusCode status, Uri location, Uri requested)
    : Exception($"{requested} answered {(int)status}: the request belongs to {location}")
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>Where the same request is to be sent (absolute).</summary>
    public Uri Location { get; } = location;

    public Uri Requested { get; } = requested;
}
