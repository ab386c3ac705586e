using System.Net.Http.Headers;

namespace OrleansAis.Etl.Communicators;

/// <summary>hpush://: the silo PUTs the object to the transformer and streams the answer back.</summary>
public sealed class HpushCommunicator(CommunicatorContext context) : IEtlCommunicator
{
    private readonly HttpClient _http = TransformerHttp.CreateClient();

    public EtlCommunication Kind => EtlCommunication.Hpush;

    public async Task<TransformOutcome> TransformAsync(TransformJob job, Stream output, CancellationToken ct)
    {
        var fqn = context.Spec.UsesFqn;
        using var request = new HttpRequestMessage(HttpMethod.Put, TransformerHttp.ObjectUri(context.Endpoint!, job, fqn));
        // In fqn mode the transformer reads the file itself; otherwise the bytes stream from the local disk.
        request.Content = fqn ? new ByteArrayContent([]) : new StreamContent(job.Source.OpenContent(), 1 << 16);
        request.Content.Headers.ContentLength = fqn ? 0 : job.Source.Meta.Size;
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        TransformerHttp.AddDirectPut(request, job);
        var response = await TransformerHttp.SendAsync(_http, request, context, ct);
        return await TransformerHttp.DeliverAsync(response, output, ct);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
