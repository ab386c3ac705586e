using System.Net;
using System.Net.Http.Headers;
using System.IO.Pipelines;

namespace OrleansAis.Etl.Sdk;

/// <summary>Runs transforms with bounded concurrency, and everything around one: fqn input, raw fetch, direct put.</summary>
public sealed class TransformDispatcher(ITransformer transformer, TransformerServerOptions options)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly SemaphoreSlim _slots = new(options.MaxConcurrency, options.MaxConcurrency);

    public ITransformer Transformer => transformer;

    /// <summary>Transforms within a concurrency slot.</summary>
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

    /// <summary>In fqn mode the object is read from the silo's (read-only mounted) disk.</summary>
    public static Stream OpenFqn(string path) =>
        new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>hpull/hrev: GETs the raw object from the silo (AIS_TARGET_URL + /bucket/object).</summary>
    public async Task<HttpResponseMessage> FetchRawAsync(string bucket, string objectName, CancellationToken ct)
    {
        var target = options.TargetUrl ?? throw new TransformerException(HttpStatusCode.BadGateway, "AIS_TARGET_URL is not set: cannot fetch the raw object");
        var url = $"{target.TrimEnd('/')}/{ObjectPath.Escape(bucket, objectName)}";
        var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.IsSuccessStatusCode) return response;
        var text = await response.Content.ReadAsStringAsync(ct);
        response.Dispose();
        throw new TransformerException(HttpStatusCode.BadGateway, $"fetching {bucket}/{objectName} from the silo failed: {(int)response.StatusCode} {text}");
    }

    /// <summary>Direct put: runs the transform straight into a PUT to <paramref name="destination"/>; returns the bytes delivered.</summary>
    public async Task<long> TransformToAsync(TransformRequest request, string destination, CancellationToken ct)
    {
        var pipe = new Pipe();
        var counter = new CountingStream(pipe.Writer.AsStream(leaveOpen: true));
        var transform = Task.Run(async () =>
        {
            try
            {
                await RunAsync(request, counter, ct);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e); // fails the PUT: the destination never commits a partial result
                throw;
            }
        }, CancellationToken.None);
        using var put = new HttpRequestMessage(HttpMethod.Put, destination) { Content = new StreamContent(pipe.Reader.AsStream()) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(put, ct);
        }
        catch (Exception) when (transform.IsFaulted)
        {
            await transform; // the transformer's error is the cause
            throw;
        }
        using (response)
        {
            await transform;
            if (!response.IsSuccessStatusCode)
                throw new TransformerException(HttpStatusCode.BadGateway,
                    $"direct put to the destination failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
        return counter.Written;
    }
}

/// <summary>A failure with the HTTP status the host should answer.</summary>
public sealed class TransformerException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
