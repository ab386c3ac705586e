namespace OrleansAis.Etl.Communicators;

/// <summary>
/// hpush://: the silo PUTs the object to the transformer and streams the answer back while still sending
/// (<see cref="DuplexHttpClient"/>), so a streaming transformer never stalls on a large object. Connections are kept
/// alive between objects; the object goes out with sendfile.
/// </summary>
public sealed class HpushCommunicator(CommunicatorContext context) : IEtlCommunicator
{
    private readonly DuplexHttpClient _client = new(context.Endpoint!, context.Socket);

    public EtlCommunication Kind => EtlCommunication.Hpush;

    public Task<TransformOutcome> TransformAsync(TransformJob job, Stream output, CancellationToken ct) =>
        TransformerHttp.TransformAsync(_client, TransformerHttp.Put, context, job, output, ct);

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
