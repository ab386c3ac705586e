using System.Net;
using System.Net.Sockets;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Loader.Http;

/// <summary>Short, groupable names for what went wrong: an HTTP status (with the API's error code) or the transport failure.</summary>
internal static class ErrorKinds
{
    public const string Timeout = "Timeout";
    public const string Aborted = "Aborted";
    public const string WrongContent = "WrongContent";

    /// <summary><c>HTTP 404 ObjectNotFound</c>, or <c>HTTP 502</c> when the answer was not the API's error document.</summary>
    public static (string Kind, string Detail) FromApiError(OaisApiException e)
    {
        var kind = e.ServerCode is null ? $"HTTP {(int)e.Status}" : $"HTTP {(int)e.Status} {e.ServerCode}";
        return (kind, string.IsNullOrWhiteSpace(e.Message) ? e.Status.ToString() : e.Message);
    }

    /// <summary>The socket error (ConnectionRefused, ConnectionReset), else the HTTP failure (ResponseEnded), else the exception type.</summary>
    public static string FromException(Exception e)
    {
        e = Unwrapped(e);
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket) return socket.SocketErrorCode.ToString();
        }
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http:
                    return http.HttpRequestError.ToString();
                case HttpIOException { HttpRequestError: not HttpRequestError.Unknown } io:
                    return io.HttpRequestError.ToString();
            }
        }
        return e.GetType().Name;
    }

    public static string Describe(Exception e)
    {
        e = Unwrapped(e);
        var messages = new List<string>();
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (messages.Count == 0 || messages[^1] != inner.Message) messages.Add(inner.Message);
        }
        return string.Join(" -> ", messages);
    }

    /// <summary>The cause behind the API client's "cannot reach" wrapper, which the endpoint column already says.</summary>
    private static Exception Unwrapped(Exception e) => e is OaisConnectionException { InnerException: { } cause } ? cause : e;
}
