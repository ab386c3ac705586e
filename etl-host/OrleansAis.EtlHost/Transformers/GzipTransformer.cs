using System.IO.Compression;
using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>Compresses the object (gzip format).</summary>
public sealed class GzipTransformer : ITransformer
{
    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        await using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        await request.Input.CopyToAsync(gzip, 1 << 16, ct);
    }
}
