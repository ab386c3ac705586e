using System.Buffers;

namespace OrleansAis.Benchmarks.Harness;

/// <summary>
/// The floor for moving objects from one place to another on the same disk: a plain file copy (read, write, fsync
/// each file before it counts as done, like a durable store's put), several files at a time.
/// </summary>
public static class FileCopy
{
    private const int BufferBytes = 1 << 20;

    /// <summary>Copies every file of <paramref name="from"/> into <paramref name="to"/>, <paramref name="parallel"/> at a time; returns the bytes copied.</summary>
    public static async Task<long> CopyAllAsync(string from, string to, int parallel, CancellationToken ct)
    {
        Directory.CreateDirectory(to);
        long total = 0;
        await Parallel.ForEachAsync(Directory.EnumerateFiles(from), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
            async (file, token) => Interlocked.Add(ref total, await CopyAsync(file, Path.Combine(to, Path.GetFileName(file)), token)));
        return total;
    }

    private static async Task<long> CopyAsync(string source, string destination, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
            long copied = 0;
            int n;
            while ((n = await input.ReadAsync(buffer, ct)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, n), ct);
                copied += n;
            }
            output.Flush(flushToDisk: true);
            return copied;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
