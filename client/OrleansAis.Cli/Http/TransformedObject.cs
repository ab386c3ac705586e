namespace OrleansAis.Cli.Http;

/// <summary>An inline transform's response whose body (the transformer's output, length unknown in advance) has not been read yet.</summary>
internal sealed class TransformedObject(HttpResponseMessage response, Stream content) : IAsyncDisposable
{
    public Stream Content { get; } = content;

    /// <summary>The silo whose transformer produced the result (the object's owner), when it said.</summary>
    public string? Node { get; } = response.Headers.TryGetValues("X-Oais-Node", out var node) ? node.FirstOrDefault() : null;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        response.Dispose();
    }
}
