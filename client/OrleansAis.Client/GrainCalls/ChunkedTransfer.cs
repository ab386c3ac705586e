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

    private const int OpenAttempts = 5;
    private static readonly TimeSpan OpenRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The object (or <paramref name="range"/> of it) as a stream of chunk reads of the version the HEAD found: a reader
    /// never mixes versions (a write meanwhile fails the next chunk with <see cref="OaisErrorCode.Conflict"/>). An
    /// object that moves to another node between the HEAD and a chunk (a membership change) is opened again when it
    /// happens before the first byte; later it fails the read with <see cref="OaisErrorCode.Unavailable"/> (retry it).
    /// </summary>
    public static async Task<ObjectReadStream> OpenReadAsync(IObjectGrain grain, ObjectRange? range, int chunkBytes, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryOpenReadAsync(grain, range, chunkBytes, ct);
            }
            catch (OaisException e) when (e.Code == OaisErrorCode.Unavailable && attempt < OpenAttempts)
            {
                await Task.Delay(OpenRetryDelay * (1 << attempt), ct);
            }
        }
    }

    private static async Task<ObjectReadStream> TryOpenReadAsync(IObjectGrain grain, ObjectRange? range, int chunkBytes, CancellationToken ct)
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
            byte[] chunk;
            try
            {
                chunk = await ReadAsync(grain, meta.Version, position, (int)Math.Min(chunkBytes, end - position), token);
            }
            catch (OaisException e) when (e.Code == OaisErrorCode.ObjectNotFound)
            {
                // The HEAD found it: it was not deleted but handed to another node in the meantime.
                throw new OaisException(OaisErrorCode.Unavailable, $"object '{meta.Bucket}/{meta.Name}' moved to another node while being read; retry");
            }
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
