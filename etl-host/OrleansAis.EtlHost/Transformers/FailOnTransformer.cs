using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>
/// Echo, except that objects whose name contains the marker (FAIL_ON, or the request's etl_args) fail with an error
/// naming them: for testing how failures surface (continue_on_error, error reports).
/// </summary>
public sealed class FailOnTransformer(string? marker) : ITransformer
{
    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        var failOn = string.IsNullOrEmpty(request.EtlArgs) ? marker : request.EtlArgs;
        if (!string.IsNullOrEmpty(failOn) && request.ObjectName.Contains(failOn, StringComparison.Ordinal))
            throw new InvalidOperationException($"refusing '{request.Bucket}/{request.ObjectName}' (its name contains '{failOn}')");
        await request.Input.CopyToAsync(output, 1 << 16, ct);
    }
}
