using System.Globalization;
using System.Net;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Etl;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Loader;

/// <summary>
/// Three silos that run transformers as processes (for the ETL run), plus what the loader tests ask the cluster:
/// store counters summed over every silo's /metrics, bucket listings, and a silo crash and restart.
/// </summary>
public sealed class LoaderCluster() : ProcessEtlCluster(3)
{
    public IReadOnlyList<Uri> Endpoints => Silos.Select(s => s.HttpUrl).ToList();

    /// <summary>The sum over all silos of <c>oais_store_operations_total{operation="..."}</c>.</summary>
    public async Task<long> StoreOperationsAsync(string operation)
    {
        long total = 0;
        foreach (var silo in Silos)
        {
            var text = await Http.GetStringAsync(new Uri(silo.HttpUrl, "/metrics"));
            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith("oais_store_operations_total{", StringComparison.Ordinal) || !line.Contains($"operation=\"{operation}\"")) continue;
                total += (long)double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return total;
    }

    /// <summary>
    /// Waits until the summed counter reaches <paramref name="expected"/> (the Prometheus exporter caches a scrape
    /// for a moment) and returns the last value seen, which the caller asserts.
    /// </summary>
    public async Task<long> StoreOperationsSettledAsync(string operation, long expected) =>
        (await Waiting.TryWaitUntil(() => StoreOperationsAsync(operation), value => value == expected, TimeSpan.FromSeconds(5))).Value;

    public async Task CreateBucketAsync(string bucket)
    {
        using var response = await Http.PutAsync(new Uri(Endpoint, $"/v1/buckets/{bucket}"), null);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"create bucket {bucket}: {(int)response.StatusCode}");
    }

    public async Task<bool> BucketExistsAsync(string bucket)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(Endpoint, $"/v1/buckets/{bucket}")));
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Every object name in the bucket (all pages).</summary>
    public async Task<List<string>> ListAsync(string bucket)
    {
        var names = new List<string>();
        string? token = null;
        do
        {
            var query = "?page_size=1000" + (token is null ? "" : "&continuation_token=" + Uri.EscapeDataString(token));
            using var page = JsonDocument.Parse(await Http.GetStringAsync(new Uri(Endpoint, $"/v1/buckets/{bucket}{query}")));
            names.AddRange(page.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()!));
            token = page.RootElement.GetProperty("continuation_token") is { ValueKind: JsonValueKind.String } t ? t.GetString() : null;
        }
        while (token is not null);
        return names;
    }

    /// <summary>
    /// Waits until no silo writes for a while (after a restart, rebalancing moves objects back to their owner and
    /// each move is a store write that would skew another test's counter comparison).
    /// </summary>
    public async Task WaitForQuietStoreAsync()
    {
        var quietFor = TimeSpan.FromSeconds(4);
        var last = await StoreOperationsAsync("put");
        var since = DateTime.UtcNow;
        // Best effort, as before: after a minute of writes the next test runs anyway (its own comparison will tell).
        await Waiting.TryWaitUntil(async () =>
        {
            var now = await StoreOperationsAsync("put");
            if (now != last) (last, since) = (now, DateTime.UtcNow);
            return DateTime.UtcNow - since;
        }, quiet => quiet >= quietFor, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
    }

    /// <summary>Kills silo <paramref name="index"/> (a crash).</summary>
    public Task KillAsync(int index) => Silos[index].KillAsync();

    /// <summary>Starts silo <paramref name="index"/> again with its ports, data and arguments; returns once all silos see all nodes.</summary>
    public async Task RestartAsync(int index)
    {
        Silos[index].Start(SiloArgs(index));
        foreach (var silo in Silos) await WaitForClusterAsync(silo, Silos.Count);
    }
}
