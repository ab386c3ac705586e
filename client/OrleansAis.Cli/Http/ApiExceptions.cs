using System.Net;

namespace OrleansAis.Cli.Http;

/// <summary>The server answered with an error; <see cref="Code"/> and <see cref="Exception.Message"/> are its own words.</summary>
internal sealed class OaisApiException(HttpStatusCode status, string code, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
    public string Code { get; } = code;
}

/// <summary>The endpoint could not be reached, or the connection broke before the server answered in full.</summary>
internal sealed class OaisConnectionException(Uri endpoint, string reason, Exception inner)
    : Exception($"cannot reach {endpoint}: {reason}", inner);
