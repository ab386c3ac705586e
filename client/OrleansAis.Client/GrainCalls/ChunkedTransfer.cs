using System.Buffers;
using OrleansAis.Grains;

namespace OrleansAis.Client.GrainCalls;

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

    /// <summary>
    /// The object (or <paramref name="range"/> of it) as a stream of chunk reads of the version the HEAD found: a reader
    /// never mixes versions (a write meanwhile fails the next chunk with <see cref="OaisErrorCode.Conflict"/>).
    /// </summary>
    public static async Task<ObjectReadStream> OpenReadAsync(IObjectGrain grain, ObjectRange? range, int chunkBytes, CancellationToken ct)
    {
        var meta = await TransientRetry.RunAsync(grain.Head, ct);
        var offset = range?.Offset ?? 0;
        var end = range?.EndIn(meta.Size) ?? meta.Size;
        if (range is not null && offset >= meta.Size)
            throw new OaisException(OaisErrorCode.InvalidRange, $"{range} is outside the object's {meta.Size} bytes");
        end = Math.Min(end, meta.Size); // as HTTP serves it: a range running past the end stops at the end
        var position = offset;
        var content = await ChunkedReadStream.StartAsync(async token =>
        {
            if (position >= end) return [];
            var chunk = await ReadAsync(grain, meta.Version, position, (int)Math.Min(chunkBytes, end - position), token);
            if (chunk.Length == 0) throw new OaisException(OaisErrorCode.Conflict, $"object '{meta.Bucket}/{meta.Name}' ended early at {position}");
            position += chunk.Length;
            return chunk;
        }, ct);
        return new ObjectReadStream(content, meta, end - offset, range is not null, resources: null);
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
