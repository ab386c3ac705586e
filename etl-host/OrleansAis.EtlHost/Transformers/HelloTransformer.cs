using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>Ignores the object and answers "Hello World!" (measures the transform path without data work).</summary>
public sealed class HelloTransformer : ITransformer
{
    private static readonly byte[] Hello = "Hello World!"u8.ToArray();

    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        await request.Input.CopyToAsync(Stream.Null, ct); // consume, so the sender is never left blocked
        await output.WriteAsync(Hello, ct);
    }
}
