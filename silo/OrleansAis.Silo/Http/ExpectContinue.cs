using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansAis.Silo.Http;

/// <summary>
/// Answers <c>Expect: 100-continue</c> with <c>100 Continue</c> also when the request has no body, as S3 and MinIO do.
/// Kestrel sends the interim response only when the application reads a non-empty body. botocore sends the expectation
/// with <c>Content-Length: 0</c> too (boto/botocore#3755) and, when the final response comes first, parses the next
/// response on that keep-alive connection against the stale status line and stalls until its read timeout.
/// </summary>
public static class ExpectContinue
{
    private static readonly object OutputKey = new();
    private static readonly byte[] Continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    /// <summary>Connection middleware: keeps the connection's raw output where the request pipeline can find it.</summary>
    public static void UseRawOutputForInterimResponses(this ListenOptions listen) =>
        listen.Use(next => connection =>
        {
            connection.Items[OutputKey] = connection.Transport.Output;
            return next(connection);
        });

    /// <summary>
    /// Writes <c>100 Continue</c> for an HTTP/1.1 request without a body that expects it. Runs before anything of the
    /// response is written: Kestrel handles one HTTP/1.1 request of a connection at a time and has flushed the previous
    /// response, so the interim response cannot interleave with another.
    /// </summary>
    public static async Task AnswerEmptyBodyAsync(HttpContext context)
    {
        var request = context.Request;
        // Over TLS the output kept by the connection middleware lies beneath the encryption: write nothing there.
        if (request.Protocol != "HTTP/1.1" || request.IsHttps || request.ContentLength != 0 || context.Response.HasStarted) return;
        if (!request.Headers.Expect.Any(v => v?.Contains("100-continue", StringComparison.OrdinalIgnoreCase) == true)) return;
        if (context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(OutputKey, out var value) != true || value is not PipeWriter output) return;
        await output.WriteAsync(Continue, context.RequestAborted);
    }
}
