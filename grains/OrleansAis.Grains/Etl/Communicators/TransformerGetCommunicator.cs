namespace OrleansAis.Etl.Communicators;

/// <summary>The silo's side of hpull and hrev: GET the object from the transformer, which fetches the raw bytes itself.</summary>
public abstract class TransformerGetCommunicator(CommunicatorContext context) : IEtlCommunicator
{
    private readonly HttpClient _http = TransformerHttp.CreateClient(context);

    protected CommunicatorContext Context => context;

    public abstract EtlCommunication Kind { get; }

    public async Task<TransformOutcome> TransformAsync(TransformJob job, Stream output, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TransformerHttp.ObjectUri(context.Endpoint!, job, context.Spec.UsesFqn));
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
