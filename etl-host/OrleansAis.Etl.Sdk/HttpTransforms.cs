using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansAis.Etl.Protocol;

namespace OrleansAis.Etl.Sdk;

/// <summary>
/// hpush (<c>PUT /{bucket}/{object}</c> with the object), hpull and hrev (<c>GET /{bucket}/{object}</c>: the host fetches
/// the object from its silo); either reads the local file instead when given <c>etl_fqn</c>, and delivers the result
/// to <c>Ais-Node-Url</c> instead of answering with it (direct put).
/// </summary>
internal static class HttpTransforms
{

    public static Task PushAsync(HttpContext context, TransformDispatcher dispatcher, ILogger log) =>
        HandleAsync(context, dispatcher, log, (_, _, _) => Task.FromResult(ObjectInput.Borrowed(context.Request.Body)));

    /// <summary>The object is fetched from the silo; a pipeline stage's input by the token the silo passed (<c>oais_input</c>).</summary>
    public static Task PullAsync(HttpContext context, TransformDispatcher dispatcher, ILogger log) =>
        HandleAsync(context, dispatcher, log, (bucket, name, ct) => dispatcher.OpenRawAsync(bucket, name, Query(context, TransformerQuery.Input), ct));

    private static async Task HandleAsync(HttpContext context, TransformDispatcher dispatcher, ILogger log,
        Func<string, string, CancellationToken, Task<ObjectInput>> openBytes)
    {
        var ct = context.RequestAborted;
        ObjectInput? input = null;
        try
        {
            var (bucket, name) = ObjectPath.Parse(context);
            if (bucket.Length == 0 || name.Length == 0) throw new TransformerException(HttpStatusCode.NotFound, "expected /{bucket}/{object}");
            var fqn = Query(context, TransformerQuery.Fqn);
            input = fqn is null ? await openBytes(bucket, name, ct) : ObjectInput.OpenFile(fqn);
            var request = new TransformRequest { Input = input.Stream, Bucket = bucket, ObjectName = name, EtlArgs = Query(context, TransformerQuery.EtlArgs), Fqn = fqn };
            if (context.Request.Headers[TransformerHeaders.NodeUrl] is { Count: > 0 } destination)
            {
                var length = await dispatcher.RunToDestinationAsync(request, destination.ToString(), ct);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                context.Response.Headers[TransformerHeaders.DirectPutLength] = length.ToString();
                return;
            }
            context.Response.ContentType = "application/octet-stream";
            await dispatcher.RunAsync(request, context.Response.Body, ct);
        }
        catch (Exception e) when (!context.Response.HasStarted && !ct.IsCancellationRequested)
        {
            log.LogWarning("{Method} {Path} failed: {Message}", context.Request.Method, context.Request.Path, e.Message);
            context.Response.StatusCode = StatusOf(e);
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("transformer error: " + e.Message, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Part of the result is out: end the connection so nobody takes a truncated result for a complete one.
            log.LogWarning("{Method} {Path} failed after the response started: {Message}", context.Request.Method, context.Request.Path, e.Message);
            context.Abort();
        }
        finally
        {
            if (input is not null) await input.DisposeAsync();
        }
    }

    private static string? Query(HttpContext context, string name) => context.Request.Query[name] is { Count: > 0 } value ? value.ToString() : null;

    private static int StatusOf(Exception e) => e switch
    {
        TransformerException t => (int)t.Status,
        FileNotFoundException or DirectoryNotFoundException => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status500InternalServerError,
    };
}
