using System.Text;
using OrleansAis.Etl.Protocol;

namespace OrleansAis.Etl.Communicators;

/// <summary>
/// hpush://: the silo PUTs the object to the transformer and streams the answer back while still sending
/// (<see cref="DuplexHttpClient"/>), so a streaming transformer never stalls on a large object. Connections are kept
/// alive between objects.
/// </summary>
public sealed class HpushCommunicator(CommunicatorContext context) : IEtlCommunicator
{
    private static readonly KeyValuePair<string, string> OctetStream = new("Content-Type", "application/octet-stream");
    private readonly DuplexHttpClient _client = new(context.Endpoint!, context.Socket);

    public EtlCommunication Kind => EtlCommunication.Hpush;

    /// <summary>Connections opened to the transformer so far.</summary>
    internal int ConnectionsOpened => _client.Opened;

    public async Task<TransformOutcome> TransformAsync(TransformJob job, Stream output, CancellationToken ct)
    {
        var fqn = context.Spec.UsesFqn;
        var uri = TransformerHttp.ObjectUri(context.Endpoint!, job, fqn);
        KeyValuePair<string, string>[] headers = job.DirectPutUrl is { } destination ? [OctetStream, new(TransformerHeaders.NodeUrl, destination)] : [OctetStream];
        DuplexResponse response;
        try
        {
            // In fqn mode the transformer reads the file itself; otherwise the bytes stream from the local disk.
            response = await _client.PutAsync(uri.PathAndQuery, headers, fqn ? () => Stream.Null : job.Source.OpenContent, fqn ? 0 : job.Source.Meta.Size, ct);
        }
        catch (HttpRequestException e)
        {
            throw new OaisException(OaisErrorCode.TransformFailed, $"transformer of ETL '{context.Spec.Name}' on {context.NodeId} is not reachable: {e.Message}");
        }
        await using (response)
        {
            try
            {
                if (response.Status is < 200 or > 299)
                {
                    var buffer = new byte[4096];
                    var n = await response.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
                    throw new OaisException(OaisErrorCode.TransformFailed,
                        $"transformer of ETL '{context.Spec.Name}' on {context.NodeId} answered {response.Status}: {Encoding.UTF8.GetString(buffer, 0, n).Trim()}");
                }
                if (response.Headers.TryGetValue(TransformerHeaders.DirectPutLength, out var put) && long.TryParse(put, out var putLength))
                {
                    await response.Body.CopyToAsync(Stream.Null, ct); // an empty body, read so that the connection can be reused
                    return new TransformOutcome(putLength, DirectPut: true);
                }
                var counting = new CountingStream(output);
                await response.Body.CopyToAsync(counting, DuplexConnection.BufferBytes, ct);
                return new TransformOutcome(counting.Written, DirectPut: false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Net.Sockets.SocketException)
            {
                throw new OaisException(OaisErrorCode.TransformFailed, $"transformer of ETL '{context.Spec.Name}' on {context.NodeId}: {e.Message}");
            }
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
