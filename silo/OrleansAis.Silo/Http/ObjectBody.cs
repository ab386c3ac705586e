using OrleansAis.Storage;

namespace OrleansAis.Silo.Http;

/// <summary>
/// Object bytes from the owner's file into an HTTP response: positional reads straight into Kestrel's output blocks
/// (no intermediate buffer, no thread hop per read), flushed to the socket in large batches.
/// </summary>
internal static class ObjectBody
{
    private const int ReadBytes = 64 << 10;
    private const int FlushBytes = 256 << 10;

    public static async Task WriteAsync(ObjectReader reader, long offset, long length, HttpResponse response, CancellationToken ct)
    {
        reader.BeginRead(offset, length);
        var writer = response.BodyWriter;
        var unflushed = 0;
        while (length > 0)
        {
            var memory = writer.GetMemory((int)Math.Min(length, ReadBytes));
            var n = reader.ReadAt(offset, memory.Span[..(int)Math.Min(memory.Length, length)]);
            if (n == 0) throw new IOException($"object file ended {length} bytes early");
            writer.Advance(n);
            offset += n;
            length -= n;
            unflushed += n;
            if (unflushed < FlushBytes && length > 0) continue;
            unflushed = 0;
            if ((await writer.FlushAsync(ct)).IsCompleted) return; // the client went away
        }
    }
}
