using System.Text;
using OrleansAis.Etl.Protocol;

namespace OrleansAis.Etl.Communicators;

/// <summary>
/// hpush://: the silo PUTs the object to the transformer and streams the answer back while still sending
/// (<see cref="DuplexHttpClient"/>), so a streaming transformer never stalls on a large object.
/// </summary>
public sealed class HpushCommunicator(CommunicatorContext context) : IEtlCommunicator
{
    public EtlCommunication Kind => EtlCommunication.Hpush;

    public async Task<TransformOutcome> TransformAsync(TransformJob job, Stream output, CancellationToken ct)
    {
        var fqn = context.Spec.UsesFqn;
        var uri = TransformerHttp.ObjectUri(context.Endpoint!, job, fqn);
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/octet-stream" };
        if (job.DirectPutUrl is { } destination) headers[TransformerHeaders.NodeUrl] = destination;
        // In fqn mode the transformer reads the file itself; otherwise the bytes stream from the local disk.
        await using var body = fqn ? Stream.Null : job.Source.OpenContent();
        DuplexResponse response;
        try
        {
            response = await DuplexHttpClient.PutAsync(uri, headers, body, fqn ? 0 : job.Source.Meta.Size, ct);
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
                    return new TransformOutcome(putLength, DirectPut: true);
                var counting = new CountingStream(output);
                await response.Body.CopyToAsync(counting, 1 << 16, ct);
                return new TransformOutcome(counting.Written, DirectPut: false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                throw new OaisException(OaisErrorCode.TransformFailed, $"transformer of ETL '{context.Spec.Name}' on {context.NodeId}: {e.Message}");
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
