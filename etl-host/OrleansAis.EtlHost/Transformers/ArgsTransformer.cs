using System.Text;
using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>Answers with the request's etl_args (shows what reached the transformer).</summary>
public sealed class ArgsTransformer : ITransformer
{
    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        await request.Input.CopyToAsync(Stream.Null, ct);
        await output.WriteAsync(Encoding.UTF8.GetBytes(request.EtlArgs ?? ""), ct);
    }
}
