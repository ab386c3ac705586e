using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using OrleansAis.Etl.Protocol;
using OrleansAis.Etl.Protocol.Transport;

namespace OrleansAis.Etl.Sdk;

/// <summary>
/// Runs transforms with bounded concurrency, and the I/O around one that goes to the silos: fetching the raw object
/// (hpull, hrev) and delivering the result by direct put.
/// </summary>
internal sealed class TransformDispatcher(ITransformer transformer, TransformerServerOptions options)
{
    // Raw objects and direct puts to this transformer's own silo go over its Unix socket when it has one.
    private readonly HttpClient _http = new(LocalSockets.Handler(options.TargetSocket, options.TargetUrl is { } url ? new Uri(url) : null))
    {
        Timeout = Timeout.InfiniteTimeSpan, // objects can be large; the silo's obj_timeout bounds a transform
    };

    private readonly SemaphoreSlim _slots = new(options.MaxConcurrency, options.MaxConcurrency);

    /// <summary>Transforms once a concurrency slot is free.</summary>
    public async Task RunAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            await transformer.TransformAsync(request, output, ct);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// hpull/hrev: GETs the raw object from the silo (<c>AIS_TARGET_URL/bucket/object</c>), or with <paramref name="pipelineInput"/>
    /// the input the silo holds for this pipeline stage; a failure is a 502.
    /// </summary>
    public async Task<ObjectInput> OpenRawAsync(string bucket, string objectName, string? pipelineInput, CancellationToken ct)
    {
        var target = options.TargetUrl ?? throw new TransformerException(HttpStatusCode.BadGateway, "AIS_TARGET_URL is not set: cannot fetch the raw object");
        var url = $"{target.TrimEnd('/')}/{ObjectPath.Escape(bucket, objectName)}" +
                  (pipelineInput is null ? "" : $"?{TransformerQuery.Input}={Uri.EscapeDataString(pipelineInput)}");
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new TransformerException(HttpStatusCode.BadGateway, $"fetching {bucket}/{objectName} from the silo failed: {e.Message}");
        }
        if (response.IsSuccessStatusCode) return await ObjectInput.FromResponseAsync(response, ct);
        using (response)
        {
            throw new TransformerException(HttpStatusCode.BadGateway,
                $"fetching {bucket}/{objectName} from the silo failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>
    /// Direct put: streams the transform's output straight into a PUT to <paramref name="destination"/> and returns the
    /// bytes delivered. A transformer error fails the PUT too, so the destination never commits a partial result.
    /// </summary>
    public async Task<long> RunToDestinationAsync(TransformRequest request, string destination, CancellationToken ct)
    {
        var pipe = new Pipe();
        var counter = new CountingStream(pipe.Writer.AsStream(leaveOpen: true));
        var transform = ProduceAsync(request, counter, pipe.Writer, ct);
        HttpResponseMessage? response = null;
        Exception? sendError = null;
        using (var put = new HttpRequestMessage(HttpMethod.Put, destination) { Content = new StreamContent(pipe.Reader.AsStream()) })
        {
            put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            try
            {
                response = await _http.SendAsync(put, ct);
            }
            catch (Exception e)
            {
                sendError = e;
            }
        }
        // The PUT is over, so nobody reads the output any more (disposing the request completed the reader too): a
        // transform still writing now finishes instead of blocking on a full pipe while it holds a concurrency slot.
        await pipe.Reader.CompleteAsync();
        using (response)
        {
            await transform; // the transformer's own failure is the cause of whatever the PUT saw
            if (sendError is OperationCanceledException) ExceptionDispatchInfo.Throw(sendError);
            if (sendError is not null)
                throw new TransformerException(HttpStatusCode.BadGateway, $"direct put to {destination} failed: {sendError.Message}");
            if (!response!.IsSuccessStatusCode)
                throw new TransformerException(HttpStatusCode.BadGateway,
                    $"direct put to {destination} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
        return counter.Written;
    }

    private async Task ProduceAsync(TransformRequest request, Stream output, PipeWriter writer, CancellationToken ct)
    {
        await Task.Yield(); // the PUT starts right away, whatever the transformer does before its first await
        try
        {
            await RunAsync(request, output, ct);
            await writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(e);
            throw;
        }
    }
}
