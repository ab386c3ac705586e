using System.Net.Sockets;
using System.Text;
using OrleansAis.Etl.Protocol;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Etl.Communicators;

/// <summary>
/// The HTTP side of the transformer protocol, shared by hpush, hpull and hrev: one request per object on the
/// transformer's kept-alive connections (<see cref="DuplexHttpClient"/>), and the answer turned into a result, a
/// direct-put acknowledgement, or a transform error carrying the transformer's words.
/// </summary>
internal static class TransformerHttp
{
    /// <summary>hpush: the object is the request body.</summary>
    public const string Put = "PUT";
    /// <summary>hpull and hrev: the transformer fetches the object.</summary>
    public const string Get = "GET";

    private static readonly KeyValuePair<string, string> OctetStream = new("Content-Type", "application/octet-stream");

    /// <summary><c>{endpoint}/{bucket}/{object}?etl_args=..&amp;etl_fqn=..</c>, each path segment escaped.</summary>
    public static Uri ObjectUri(Uri endpoint, TransformJob job, bool fqn) =>
        new(endpoint, "/" + OaisRoutes.WithQuery(OaisRoutes.ObjectTarget(job.Bucket, job.Name),
            (TransformerQuery.EtlArgs, string.IsNullOrEmpty(job.EtlArgs) ? null : job.EtlArgs),
            (TransformerQuery.Fqn, fqn ? job.Source.DataPath : null),
            (TransformerQuery.Input, job.InputToken)));

    /// <summary>
    /// Sends <paramref name="method"/> for <paramref name="job"/> (PUT: with the object as the body unless fqn; GET: the
    /// transformer fetches it) and delivers the answer into <paramref name="output"/>.
    /// </summary>
    public static async Task<TransformOutcome> TransformAsync(DuplexHttpClient client, string method, CommunicatorContext context, TransformJob job,
        Stream output, CancellationToken ct)
    {
        var fqn = job.ReadsFile(context.Spec);
        if (method == Get && job.Input is not null && job.InputToken is null)
            throw new InvalidOperationException("a fetching transformer's piped input must be served under a token");
        var uri = ObjectUri(context.Endpoint!, job, fqn);
        KeyValuePair<string, string>[] headers = job.DirectPutUrl is { } destination ? [OctetStream, new(TransformerHeaders.NodeUrl, destination)] : [OctetStream];
        var sendsObject = method == Put && !fqn;
        DuplexResponse response;
        try
        {
            // A piped input (a pipeline stage's) has no length yet: it goes out chunked.
            response = await client.SendAsync(method, uri.PathAndQuery, headers, sendsObject ? job.OpenInput : () => Stream.Null,
                !sendsObject ? 0 : job.Input is null ? job.Source.Meta.Size : DuplexHttpClient.UnknownLength, ct);
        }
        catch (HttpRequestException e)
        {
            // Refused or reset before any answer: the transformer is down (a crash the lifecycle has not seen yet), not
            // wrong about this object: 503, as once the crash is noticed, so a client retries.
            throw new OaisException(OaisErrorCode.Unavailable,
                $"transformer of ETL '{context.Spec.Name}' on {context.NodeId} is not reachable (crashed or restarting; retry): {e.Message}");
        }
        await using (response)
        {
            try
            {
                if (response.Status is < 200 or > 299)
                {
                    var buffer = new byte[4096];
                    var n = await response.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
                    var text = Encoding.UTF8.GetString(buffer, 0, n).Trim();
                    throw new OaisException(OaisErrorCode.TransformFailed,
                        $"transformer of ETL '{context.Spec.Name}' on {context.NodeId} answered {response.Status}: {(text.Length == 0 ? "(no message)" : text)}");
                }
                if (response.Headers.TryGetValue(TransformerHeaders.DirectPutLength, out var put) && long.TryParse(put, out var putLength))
                {
                    await response.Body.CopyToAsync(Stream.Null, ct); // an empty body, read so that the connection can be reused
                    return new TransformOutcome(putLength, DirectPut: true);
                }
                var counting = new CountingStream(output);
                await response.Body.CopyToAsync(counting, ct);
                return new TransformOutcome(counting.Written, DirectPut: false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or SocketException)
            {
                throw new OaisException(OaisErrorCode.TransformFailed, $"transformer of ETL '{context.Spec.Name}' on {context.NodeId}: {e.Message}");
            }
        }
    }
}
