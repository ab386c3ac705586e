using System.Buffers;
using System.IO.Hashing;

namespace OrleansAis.Loader.Verification;

/// <summary>Reads GET bodies to the end in 64 KiB blocks: counting, hashing, or keeping a short text head.</summary>
internal static class BodyConsumer
{
    private const int BlockSize = 64 * 1024;

    public static async Task<long> DrainAsync(Stream body, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            long total = 0;
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(0, BlockSize), ct)) > 0) total += n;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The body's length and xxhash64 (16 lowercase hex digits, the store's spelling).</summary>
    public static async Task<(long Bytes, string Xxh64)> HashAsync(Stream body, CancellationToken ct)
    {
        var hash = new XxHash64();
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            long total = 0;
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(0, BlockSize), ct)) > 0)
            {
                hash.Append(buffer.AsSpan(0, n));
                total += n;
            }
            return (total, Workload.ContentFingerprint.Hex(hash.GetCurrentHashAsUInt64()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The body's length and its first <paramref name="maxHead"/> bytes as text (a digest is 32-64 characters).</summary>
    public static async Task<(long Bytes, string Head)> HeadTextAsync(Stream body, int maxHead, CancellationToken ct)
    {
        var head = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            long total = 0;
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(0, BlockSize), ct)) > 0)
            {
                if (head.Length < maxHead) head.Write(buffer, 0, (int)Math.Min(n, maxHead - head.Length));
                total += n;
            }
            return (total, System.Text.Encoding.UTF8.GetString(head.GetBuffer(), 0, (int)head.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
