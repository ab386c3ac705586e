using System.Text;
using OrleansAis.Etl.Protocol;
using OrleansAis.Etl.Protocol.Transport;

namespace OrleansAis.Etl.Communicators;

/// <summary>The HTTP side of the transformer protocol, shared by hpush, hpull and hrev.</summary>
internal static class TransformerHttp
{
    /// <summary>A client for the transformer's server: over its Unix socket when it has one, else loopback TCP.</summary>
    public static HttpClient CreateClient(CommunicatorContext context) =>
        new(LocalSockets.Handler(context.Socket, context.Endpoint)) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary><c>{endpoint}/{bucket}/{object}?etl_args=..&amp;etl_fqn=..</c>, each path segment escaped.</summary>
    public static Uri ObjectUri(Uri endpoint, TransformJob job, bool fqn)
    {
        var path = Uri.EscapeDataString(job.Bucket) + "/" + string.Join('/', job.Name.Split('/').Select(Uri.EscapeDataString));
        var query = new List<string>();
        if (!string.IsNullOrEmpty(job.EtlArgs)) query.Add("etl_args=" + Uri.EscapeDataString(job.EtlArgs));
        if (fqn) query.Add("etl_fqn=" + Uri.EscapeDataString(job.Source.DataPath));
        return new Uri(endpoint, "/" + path + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
    }

    public static void AddDirectPut(HttpRequestMessage request, TransformJob job)
    {
        if (job.DirectPutUrl is { } url) request.Headers.TryAddWithoutValidation(TransformerHeaders.NodeUrl, url);
    }

    /// <summary>Sends, and turns transport failures and non-success answers into transform errors naming the transformer's words.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, CommunicatorContext context, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new OaisException(OaisErrorCode.TransformFailed, $"transformer of ETL '{context.Spec.Name}' on {context.NodeId} is not reachable: {e.Message}");
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var text = await ReadBoundedAsync(response, ct);
            throw new OaisException(OaisErrorCode.TransformFailed,
                $"transformer of ETL '{context.Spec.Name}' on {context.NodeId} answered {(int)response.StatusCode}: {text}");
        }
    }

    /// <summary>Copies a success answer into <paramref name="output"/>, or reads a direct-put acknowledgement.</summary>
    public static async Task<TransformOutcome> DeliverAsync(HttpResponseMessage response, Stream output, CancellationToken ct)
    {
        using (response)
        {
            if (response.Headers.TryGetValues(TransformerHeaders.DirectPutLength, out var values) && long.TryParse(values.First(), out var length))
                return new TransformOutcome(length, DirectPut: true);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var counting = new CountingStream(output);
            await body.CopyToAsync(counting, 1 << 16, ct);
            return new TransformOutcome(counting.Written, DirectPut: false);
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var buffer = new byte[4096];
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var n = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        var text = Encoding.UTF8.GetString(buffer, 0, n).Trim();
        return text.Length == 0 ? response.ReasonPhrase ?? "(no message)" : text;
    }
}
