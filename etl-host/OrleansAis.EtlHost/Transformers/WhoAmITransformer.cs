using System.Text;
using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>Answers with the node id of the silo that started this transformer (OAIS_NODE_ID), or the host name.</summary>
public sealed class WhoAmITransformer : ITransformer
{
    private static readonly byte[] Me = Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("OAIS_NODE_ID") ?? Environment.MachineName);

    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        await request.Input.CopyToAsync(Stream.Null, ct);
        await output.WriteAsync(Me, ct);
    }
}
