using System.Buffers;

namespace OrleansAis.Benchmarks.Targets;

/// <summary>
/// The baseline for the store's own disk work: plain files in one folder on the same disk. A put does what any durable
/// atomic write must (temp file, fsync, rename over the name); a get reads the file to its end.
/// </summary>
public sealed class LocalFileTarget(string directory) : IObjectTarget
{
    private const int ReadBufferBytes = 256 << 10;

    public string Label => "local files (baseline)";

    public Task PrepareAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        return Task.CompletedTask;
    }

    public async Task PutAsync(string name, byte[] content, CancellationToken ct)
    {
        var path = Path.Combine(directory, name);
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
        {
            await file.WriteAsync(content, ct);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public async Task<long> GetAsync(string name, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            await using var file = new FileStream(Path.Combine(directory, name), FileMode.Open, FileAccess.Read, FileShare.Read, 0,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            long total = 0;
            int n;
            while ((n = await file.ReadAsync(buffer, ct)) > 0) total += n;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
