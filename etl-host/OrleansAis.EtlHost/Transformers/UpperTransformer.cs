using System.Text;
using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>Upper-cases UTF-8 text, streaming (the decoder keeps characters split across reads intact).</summary>
public sealed class UpperTransformer : ITransformer
{
    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Input, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var buffer = new char[1 << 15];
        int n;
        while ((n = await reader.ReadAsync(buffer, ct)) > 0)
        {
            for (var i = 0; i < n; i++) buffer[i] = char.ToUpperInvariant(buffer[i]);
            await writer.WriteAsync(buffer.AsMemory(0, n), ct);
        }
    }
}
