namespace OrleansAis.Silo.Http;

/// <summary>
/// Gives the AIS-style API's requests that Kestrel or parameter binding refuse (a body shorter than its Content-Length,
/// JSON that does not bind) the API's JSON error naming the problem, instead of an empty 400 or a 500.
/// S3 requests get the same treatment as S3 error documents in <see cref="S3.S3Dispatcher"/>.
/// </summary>
public sealed class BadRequestMiddleware(RequestDelegate next)
{
    /// <summary>Where Kestrel moves a request's Content-Length when Transfer-Encoding is present too (it frames by the latter).</summary>
    private const string MovedContentLength = "X-Content-Length";

    public async Task InvokeAsync(HttpContext context)
    {
        if (FramingProblem(context.Request) is { } framing)
        {
            // Both headers is the request-smuggling shape: refuse it, and end the connection (RFC 9112 section 6.3).
            context.Response.Headers.Connection = "close";
            if (context.Request.Path.StartsWithSegments("/v1"))
                await AisJson.Error(StatusCodes.Status400BadRequest, OaisErrorCode.BadRequest, framing).ExecuteAsync(context);
            else
                await S3.Xml.S3Xml.WriteErrorAsync(context, new S3.S3Exception(StatusCodes.Status400BadRequest, "InvalidRequest", framing));
            return;
        }
        // A client that sent "Expect: 100-continue" and got an error before its body was read may still send the body
        // (boto3 does): Kestrel would take the next request on the connection for the rest of this one's body and answer
        // it with a bare 400. Ending the connection after such an answer keeps the client's next request whole.
        if (context.Request.Headers.Expect.Any(v => v?.Contains("100-continue", StringComparison.OrdinalIgnoreCase) == true))
        {
            await ExpectContinue.AnswerEmptyBodyAsync(context);
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode >= 400) context.Response.Headers.Connection = "close";
                return Task.CompletedTask;
            });
        }
        try
        {
            await next(context);
        }
        catch (Exception e) when (BadRequestOf(e) is { } bad && !context.Response.HasStarted)
        {
            await AisJson.Error(bad.StatusCode, OaisErrorCode.BadRequest, Describe(bad)).ExecuteAsync(context);
        }
    }

    /// <summary>Why the request's body framing is ambiguous, if it is: Content-Length and Transfer-Encoding together.</summary>
    private static string? FramingProblem(HttpRequest request) =>
        request.Headers.TransferEncoding.Count > 0 && (request.Headers.ContentLength is not null || request.Headers.ContainsKey(MovedContentLength))
            ? "a request may not carry both Content-Length and Transfer-Encoding (RFC 9112 section 6.3)"
            : null;

    /// <summary>
    /// The client's fault behind <paramref name="e"/>, if any: also when it surfaces wrapped, e.g. as the failure of a
    /// proxied request whose body the client cut short.
    /// </summary>
    public static BadHttpRequestException? BadRequestOf(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException bad) return bad;
        }
        return null;
    }

    /// <summary>The message with its cause: binding failures say which parameter, their inner exception says what is wrong.</summary>
    public static string Describe(BadHttpRequestException e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} {inner.Message}" : e.Message;
}
