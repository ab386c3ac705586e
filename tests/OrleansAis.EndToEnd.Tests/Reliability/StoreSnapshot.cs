using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Infrastructure;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>
/// Everything a hostile request could have changed, as seen through the API (buckets, listings, the MD5 of every object
/// read back from every silo, ETLs) and on disk (the files under each silo's data folder). Two snapshots compare by their
/// lines, so a difference reads as "+ added" / "- removed".
/// </summary>
public sealed class StoreSnapshot
{
    private StoreSnapshot(IReadOnlyList<string> lines) => Lines = lines;

    public IReadOnlyList<string> Lines { get; }

    public static async Task<StoreSnapshot> TakeAsync(SiloCluster cluster)
    {
        var lines = new List<string>();
        var buckets = await JsonAsync(cluster, cluster.Silos[0].HttpUrl, "/v1/buckets");
        lines.Add("buckets: " + buckets.GetRawText());
        foreach (var bucket in buckets.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("name").GetString()!))
        {
            foreach (var silo in cluster.Silos)
            {
                var listing = await JsonAsync(cluster, silo.HttpUrl, $"/v1/buckets/{bucket}?page_size=10000");
                lines.Add($"listing {bucket} via {silo.NodeId}: {listing.GetProperty("entries").GetRawText()}");
                foreach (var name in listing.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()!))
                {
                    // HttpClient follows the 307 to the owner: the bytes are the owner's.
                    var path = $"/v1/objects/{bucket}/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}";
                    using var response = await cluster.Http.GetAsync(new Uri(silo.HttpUrl, path));
                    var body = await response.Content.ReadAsByteArrayAsync();
                    lines.Add(response.IsSuccessStatusCode
                        ? $"object {bucket}/{name} via {silo.NodeId}: {body.Length} bytes, md5 {Convert.ToHexStringLower(MD5.HashData(body))}"
                        : $"object {bucket}/{name} via {silo.NodeId}: status {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
                }
            }
        }
        lines.Add("etls: " + (await JsonAsync(cluster, cluster.Silos[0].HttpUrl, "/v1/etl")).GetRawText());
        lines.Add("jobs: " + (await JsonAsync(cluster, cluster.Silos[0].HttpUrl, "/v1/jobs")).GetRawText());
        foreach (var silo in cluster.Silos)
        {
            // Names and sizes only: the Orleans runtime may touch its own files' times, never an object's bytes.
            foreach (var file in Directory.EnumerateFiles(silo.DataDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                lines.Add($"file {Path.GetRelativePath(cluster.Root, file)}: {new FileInfo(file).Length} bytes");
        }
        return new StoreSnapshot(lines);
    }

    /// <summary>The lines that differ: "- " what only <paramref name="before"/> had, "+ " what only this has.</summary>
    public IReadOnlyList<string> ChangesSince(StoreSnapshot before) =>
        before.Lines.Except(Lines).Select(l => "- " + l).Concat(Lines.Except(before.Lines).Select(l => "+ " + l)).ToList();

    private static async Task<JsonElement> JsonAsync(SiloCluster cluster, Uri silo, string path)
    {
        using var doc = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(silo, path)));
        return doc.RootElement.Clone();
    }
}
