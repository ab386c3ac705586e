using System.Buffers;
using OrleansAis.Client;

namespace OrleansAis.Benchmarks.Targets;

/// <summary>Reads through <see cref="OaisClient"/> over HTTP, either copying into a sink (GetObjectAsync) or reading the stream (OpenReadAsync).</summary>
public sealed class OaisReadTarget(OaisClient client, string bucket, bool openRead, string label) : IObjectTarget
{
    private const int ReadBufferBytes = 128 << 10;

    public string Label => label;

    public Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;

    public Task PutAsync(string name, byte[] content, CancellationToken ct) => client.PutObjectAsync(bucket, name, new MemoryStream(content, writable: false), ct: ct);

    public async Task<long> GetAsync(string name, CancellationToken ct)
    {
        if (!openRead)
        {
            var sink = new CountingSink();
            await client.GetObjectAsync(bucket, name, sink, ct: ct);
            return sink.Length;
        }
        await using var stream = await client.OpenReadAsync(bucket, name, ct: ct);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            long total = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer, ct)) > 0) total += n;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
