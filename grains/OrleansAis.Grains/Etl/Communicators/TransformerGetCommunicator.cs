namespace OrleansAis.Etl.Communicators;

/// <summary>The silo's side of hpull and hrev: GET the object from the transformer, which fetches the raw bytes itself.</summary>
public abstract class TransformerGetCommunicator(CommunicatorContext context) : IEtlCommunicator
{
    private readonly DuplexHttpClient _client = new(context.Endpoint!, context.Socket);

    protected CommunicatorContext Context => context;

    public abstract EtlCommunication Kind { get; }

    public Task<TransformOutcome> TransformAsync(TransformJob job, Stream output, CancellationToken ct) =>
        TransformerHttp.TransformAsync(_client, TransformerHttp.Get, context, job, output, ct);

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
