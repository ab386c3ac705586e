using System.IO.Compression;
using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>Decompresses a gzip object; anything else is an error.</summary>
public sealed class GunzipTransformer : ITransformer
{
    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        await using var gunzip = new GZipStream(request.Input, CompressionMode.Decompress, leaveOpen: true);
        try
        {
            await gunzip.CopyToAsync(output, 1 << 16, ct);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{request.Bucket}/{request.ObjectName} is not gzip data: {e.Message}");
        }
    }
}
