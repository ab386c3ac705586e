using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace OrleansAis.Loader.Http;

/// <summary>Short, groupable names for what went wrong: an HTTP status (with the API's error code) or the transport failure.</summary>
internal static class ErrorKinds
{
    public const string Timeout = "Timeout";
    public const string Aborted = "Aborted";
    public const string WrongContent = "WrongContent";

    /// <summary><c>HTTP 404 ObjectNotFound</c>, or <c>HTTP 502</c> when the body is not the API's error JSON.</summary>
    public static (string Kind, string Detail) FromResponse(HttpStatusCode status, string body)
    {
        var (code, message) = ApiError(body);
        var kind = code is null ? $"HTTP {(int)status}" : $"HTTP {(int)status} {code}";
        var detail = message ?? (body.Length > 300 ? body[..300] + "..." : body);
        return (kind, string.IsNullOrWhiteSpace(detail) ? status.ToString() : detail);
    }

    /// <summary>The socket error (ConnectionRefused, ConnectionReset), else the HTTP failure (ResponseEnded), else the exception type.</summary>
    public static string FromException(Exception e)
    {
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
        var messages = new List<string>();
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (messages.Count == 0 || messages[^1] != inner.Message) messages.Add(inner.Message);
        }
        return string.Join(" -> ", messages);
    }

    private static (string? Code, string? Message) ApiError(string body)
    {
        if (!body.TrimStart().StartsWith('{')) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return (error.TryGetProperty("code", out var c) ? c.GetString() : null,
                    error.TryGetProperty("message", out var m) ? m.GetString() : null);
            }
        }
        catch (JsonException)
        {
        }
        return (null, null);
    }
}
