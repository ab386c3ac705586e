using OrleansAis.Client;

namespace OrleansAis.Benchmarks.Targets;

/// <summary>A bucket of the cluster through the .NET client library (<see cref="OaisClient"/>), as an embedding app uses it.</summary>
public sealed class OaisClientTarget(OaisClient client, string bucket, string label) : IObjectTarget
{
    public string Label => label;

    public async Task PrepareAsync(CancellationToken ct)
    {
        if (await client.GetBucketAsync(bucket) is null) await client.CreateBucketAsync(bucket);
    }

    public async Task PutAsync(string name, byte[] content, CancellationToken ct)
    {
        using var source = new MemoryStream(content, writable: false);
        await client.PutObjectAsync(bucket, name, source, ct: ct);
    }

    public async Task<long> GetAsync(string name, CancellationToken ct)
    {
        // Counting instead of keeping: the client has received every byte by the time it hands it to the stream.
        var sink = new CountingSink();
        await client.GetObjectAsync(bucket, name, sink, ct: ct);
        return sink.Length;
    }
}
