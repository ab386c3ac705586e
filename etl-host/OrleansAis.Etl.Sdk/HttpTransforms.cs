using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansAis.Etl.Sdk;

/// <summary>hpush (PUT with the object), hpull and hrev (GET; the host fetches the object), with direct put and fqn.</summary>
internal static class HttpTransforms
{
    public const string NodeUrlHeader = "Ais-Node-Url";
    public const string DirectPutLengthHeader = "Ais-Direct-Put-Length";

    public static Task PushAsync(HttpContext context, TransformDispatcher dispatcher, ILogger log) =>
        HandleAsync(context, dispatcher, log, () =>
        {
            var (bucket, name) = ObjectPath.Parse(context);
            var fqn = Fqn(context);
            var input = fqn is null ? context.Request.Body : TransformDispatcher.OpenFqn(fqn);
            return Task.FromResult<(TransformRequest, IDisposable?)>((Request(bucket, name, context, input, fqn), null));
        });

    public static Task PullAsync(HttpContext context, TransformDispatcher dispatcher, ILogger log) =>
        HandleAsync(context, dispatcher, log, async () =>
        {
            var (bucket, name) = ObjectPath.Parse(context);
            if (name.Length == 0) throw new TransformerException(HttpStatusCode.NotFound, "expected /{bucket}/{object}");
            if (Fqn(context) is { } fqn) return (Request(bucket, name, context, TransformDispatcher.OpenFqn(fqn), fqn), null);
            var raw = await dispatcher.FetchRawAsync(bucket, name, context.RequestAborted);
            return (Request(bucket, name, context, await raw.Content.ReadAsStreamAsync(context.RequestAborted), null), raw);
        });

    private static string? Fqn(HttpContext context) => context.Request.Query["etl_fqn"] is { Count: > 0 } f ? f.ToString() : null;

    private static TransformRequest Request(string bucket, string name, HttpContext context, Stream input, string? fqn) => new()
    {
        Input = input, Bucket = bucket, ObjectName = name, Fqn = fqn,
        EtlArgs = context.Request.Query["etl_args"] is { Count: > 0 } a ? a.ToString() : null,
    };

    private static async Task HandleAsync(HttpContext context, TransformDispatcher dispatcher, ILogger log,
        Func<Task<(TransformRequest Request, IDisposable? Owned)>> prepare)
    {
        IDisposable? owned = null;
        TransformRequest? request = null;
        try
        {
            (request, owned) = await prepare();
            if (context.Request.Headers[NodeUrlHeader] is { Count: > 0 } destination)
            {
                var length = await dispatcher.TransformToAsync(request, destination.ToString(), context.RequestAborted);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                context.Response.Headers[DirectPutLengthHeader] = length.ToString();
                return;
            }
            context.Response.ContentType = "application/octet-stream";
            await dispatcher.RunAsync(request, context.Response.Body, context.RequestAborted);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            log.LogWarning("transform of {Path} failed: {Message}", context.Request.Path, e.Message);
            context.Response.StatusCode = e is TransformerException t ? (int)t.Status
                : e is FileNotFoundException or DirectoryNotFoundException ? StatusCodes.Status404NotFound
                : StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("transformer error: " + e.Message);
        }
        catch (Exception e)
        {
            // The body has started: end the connection so nobody takes a truncated result for a complete one.
            log.LogWarning("transform of {Path} failed after the response started: {Message}", context.Request.Path, e.Message);
            context.Abort();
        }
        finally
        {
            if (request is { Fqn: not null }) await request.Input.DisposeAsync();
            owned?.Dispose();
        }
    }
}
