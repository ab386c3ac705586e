using System.Net;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.Ais;

/// <summary>A 300 MiB object streams through the HTTP API without the silo process growing by anything like its size.</summary>
public sealed class LargeObjectHttpTests(SiloCluster cluster) : IClassFixture<SiloCluster>
{
    private const long Size = 300L << 20;

    [Fact]
    public async Task A_300_MiB_put_and_get_stream_with_bounded_silo_memory()
    {
        using (var bucket = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/v1/buckets/large"), null))
            Assert.Equal(HttpStatusCode.Created, bucket.StatusCode);
        var pid = cluster.Silos[0].ProcessId;
        var before = ResidentKiB(pid);

        using (var put = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/v1/objects/large/blob"), new StreamContent(new PatternStream(Size, 5))))
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        using (var get = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, "/v1/objects/large/blob"), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(Size, get.Content.Headers.ContentLength);
            var verifier = new PatternVerifier(5);
            await (await get.Content.ReadAsStreamAsync()).CopyToAsync(verifier, 1 << 20);
            Assert.Equal(Size, verifier.Written);
            Assert.Equal(-1, verifier.FirstMismatch);
        }
        var peak = PeakKiB(pid);
        // Buffering the object would add 300 MiB; streaming stays within buffers and GC noise.
        Assert.True(peak - before < 150 * 1024, $"silo grew from {before >> 10} MiB to a peak of {peak >> 10} MiB while streaming 300 MiB");
    }

    private static long ResidentKiB(int pid) => Status(pid, "VmRSS:");

    private static long PeakKiB(int pid) => Status(pid, "VmHWM:");

    private static long Status(int pid, string field) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
