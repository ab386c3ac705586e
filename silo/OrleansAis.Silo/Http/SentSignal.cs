namespace OrleansAis.Silo.Http;

/// <summary>A request body for the owner that says when it has been sent whole, so the wait for the answer can start then.</summary>
internal sealed class SentSignal(Stream body) : StreamContent(body)
{
    private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the whole body went out.</summary>
    public Task Sent => _sent.Task;

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        await base.SerializeToStreamAsync(stream, context, cancellationToken);
        _sent.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);
}
