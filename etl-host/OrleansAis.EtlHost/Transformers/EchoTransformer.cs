using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>Identity: the output is the input (benchmarks measure the plumbing with it).</summary>
public sealed class EchoTransformer : ITransformer
{
    public Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct) =>
        request.Input.CopyToAsync(output, 256 << 10, ct);
}
