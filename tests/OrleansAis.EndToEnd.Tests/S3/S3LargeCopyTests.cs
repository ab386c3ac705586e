using System.Net;
using System.Security.Cryptography;
using Amazon.S3.Model;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>A 300 MiB CopyObject between owners streams owner to owner: no silo grows by anything like the object's size.</summary>
public sealed class S3LargeCopyTests(TwoSiloS3Cluster cluster) : IClassFixture<TwoSiloS3Cluster>
{
    private const long Size = 300L << 20;

    [Fact]
    public async Task A_300_MiB_copy_across_owners_keeps_every_silo_within_bounded_memory()
    {
        using var s3 = cluster.Client(0);
        await s3.PutBucketAsync("big-from");
        await s3.PutBucketAsync("big-to");
        // The source is owned by silo 0 and the destination by silo 1: the request goes to silo 0, which proxies it to
        // silo 1, which streams the source from silo 0's own GET.
        var source = OwnedBy(0, "big-from", "src");
        var destination = OwnedBy(1, "big-to", "dst");
        using (var put = await cluster.SignedHttp.PutAsync(new Uri(cluster.Silos[0].HttpUrl, $"/v1/objects/big-from/{source}"), new StreamContent(new PatternStream(Size, 77))))
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        var pids = cluster.Silos.Select(s => s.ProcessId).ToList();
        foreach (var pid in pids) ResetPeak(pid);
        var before = pids.Select(ResidentKiB).ToList();
        var copied = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = "big-from", SourceKey = source, DestinationBucket = "big-to", DestinationKey = destination });
        var peaks = pids.Select(PeakKiB).ToList();

        for (var i = 0; i < pids.Count; i++)
        {
            // Buffering the object would add 300 MiB; streaming stays within buffers and GC noise.
            Assert.True(peaks[i] - before[i] < 150 * 1024,
                $"silo {i} grew from {before[i] >> 10} MiB to a peak of {peaks[i] >> 10} MiB while copying 300 MiB");
        }
        using (var md5 = MD5.Create())
            Assert.Equal($"\"{Convert.ToHexStringLower(await md5.ComputeHashAsync(new PatternStream(Size, 77)))}\"", copied.ETag);
        using var get = await cluster.SignedHttp.GetAsync(new Uri(cluster.Silos[1].HttpUrl, $"/v1/objects/big-to/{destination}"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(cluster.Silos[1].NodeId, get.Headers.GetValues("X-Oais-Node").Single());
        var verifier = new PatternVerifier(77);
        await (await get.Content.ReadAsStreamAsync()).CopyToAsync(verifier, 1 << 20);
        Assert.Equal(Size, verifier.Written);
        Assert.Equal(-1, verifier.FirstMismatch);
    }

    /// <summary>A key of <paramref name="bucket"/> that silo <paramref name="silo"/> owns: its AIS GET there is a 404, not a redirect to the owner.</summary>
    private string OwnedBy(int silo, string bucket, string prefix)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        for (var i = 0; ; i++)
        {
            using var response = http.GetAsync(new Uri(cluster.Silos[silo].HttpUrl, $"/v1/objects/{bucket}/{prefix}-{i}")).GetAwaiter().GetResult();
            if (response.StatusCode == HttpStatusCode.NotFound) return $"{prefix}-{i}";
            Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        }
    }

    /// <summary>Resets the process's peak resident size (VmHWM) to its current size.</summary>
    private static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    private static long ResidentKiB(int pid) => Status(pid, "VmRSS:");

    private static long PeakKiB(int pid) => Status(pid, "VmHWM:");

    private static long Status(int pid, string field) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
