using System.Buffers;
using System.Net;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// A PUT body generated while it is sent (64 KiB at a time) with a known Content-Length; it can be sent again
/// (redirects, retries) because every send regenerates it from the seed.
/// </summary>
internal sealed class GeneratedContent(ulong seed, long size) : HttpContent
{
    public const int BlockSize = 64 * 1024;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var generator = new ContentGenerator(seed);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            for (var remaining = size; remaining > 0;)
            {
                var n = (int)Math.Min(BlockSize, remaining);
                generator.Fill(buffer.AsSpan(0, n));
                await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                remaining -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = size;
        return true;
    }
}
