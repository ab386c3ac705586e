using System.Buffers;
using OrleansAis.Grains;

namespace OrleansAis.Client;

/// <summary>Object bytes as a sequence of bounded grain calls to the owner's <see cref="IObjectGrain"/>.</summary>
internal static class ChunkedTransfer
{
    public static async Task<ObjectMeta> PutAsync(IObjectGrain grain, Stream content, PutOptions options, int chunkBytes, CancellationToken ct)
    {
        var upload = await grain.BeginWrite(options);
        try
        {
            // Read the next chunk from the source while the previous one is on its way to the owner.
            var chunk = await ReadChunkAsync(content, chunkBytes, ct);
            while (chunk.Length > 0)
            {
                var sending = grain.AppendWrite(upload, chunk);
                var next = await ReadChunkAsync(content, chunkBytes, ct);
                await sending;
                chunk = next;
            }
            return await grain.CommitWrite(upload);
        }
        catch
        {
            await grain.AbortWrite(upload);
            throw;
        }
    }

    public static async Task<ObjectMeta> GetAsync(IObjectGrain grain, Stream destination, long offset, long? length, int chunkBytes, CancellationToken ct)
    {
        var meta = await TransientRetry.RunAsync(grain.Head, ct);
        var end = length is { } l ? offset + l : meta.Size;
        if (offset < 0 || end > meta.Size || end < offset)
            throw new OaisException(OaisErrorCode.InvalidRange, $"range {offset}..{end} is outside the object's {meta.Size} bytes");
        // One read ahead hides the round trip; the grain serves them in order.
        Task<byte[]>? pending = offset < end ? ReadAsync(grain, meta.Version, offset, (int)Math.Min(chunkBytes, end - offset), ct) : null;
        var position = offset;
        while (pending is not null)
        {
            var chunk = await pending;
            if (chunk.Length == 0) throw new OaisException(OaisErrorCode.Conflict, $"object '{meta.Bucket}/{meta.Name}' ended early at {position}");
            position += chunk.Length;
            pending = position < end ? ReadAsync(grain, meta.Version, position, (int)Math.Min(chunkBytes, end - position), ct) : null;
            await destination.WriteAsync(chunk, ct);
        }
        return meta;
    }

    /// <summary>A chunk of one version: the same bytes however often it is asked for, so safe to retry.</summary>
    private static Task<byte[]> ReadAsync(IObjectGrain grain, long version, long offset, int count, CancellationToken ct) =>
        TransientRetry.RunAsync(() => grain.Read(version, offset, count), ct);

    private static async Task<byte[]> ReadChunkAsync(Stream content, int chunkBytes, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(chunkBytes);
        try
        {
            var filled = 0;
            int n;
            while (filled < chunkBytes && (n = await content.ReadAsync(buffer.AsMemory(filled, chunkBytes - filled), ct)) > 0) filled += n;
            return buffer.AsSpan(0, filled).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
