using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansAis.Benchmarks.Targets;

/// <summary>
/// The unmeasured HTTP calls around the ETL benchmarks: ETLs (init, delete), offline jobs (start, wait), and
/// listing or dropping buckets to check what a run produced. Every failure says which call failed and why.
/// </summary>
public sealed class OaisAdmin(HttpClient http, Uri endpoint)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(10);

    public Uri Endpoint => endpoint;

    /// <summary>Initializes the built-in echo transformer on every silo; <c>io://</c> runs it once per object with <c>--stdio</c>.</summary>
    public async Task InitEchoAsync(string name, string communicator, bool supportDirectPut, CancellationToken ct, bool python = false)
    {
        string[] command = communicator == "io://" ? ["etl-host", "echo", "--stdio"] : ["etl-host", "echo"];
        object runtime = python ? new { python = new { source = PythonEcho, function = "transform" } } : new { command };
        var spec = new Dictionary<string, object>
        {
            ["name"] = name, ["communication"] = communicator, ["runtime"] = runtime, ["init_timeout"] = "90s",
            ["support_direct_put"] = supportDirectPut,
        };
        using var response = await http.PutAsJsonAsync(new Uri(endpoint, "/v1/etl"), spec, ct);
        await EnsureSuccessAsync(response, $"init ETL {name} ({communicator})", ct);
    }

    /// <summary>The Python SDK's streaming echo, as a user would write it for runtime.python.</summary>
    private const string PythonEcho = """
        def transform(reader, writer, path, args):
            while True:
                piece = reader.read(1 << 20)
                if not piece:
                    return
                writer.write(piece)
        """;

    /// <summary>Stops and removes an ETL; one that does not exist (any more) is fine.</summary>
    public async Task DeleteEtlAsync(string name, CancellationToken ct)
    {
        using var response = await http.DeleteAsync(new Uri(endpoint, $"/v1/etl/{name}"), ct);
        if (response.StatusCode != HttpStatusCode.NotFound) await EnsureSuccessAsync(response, $"delete ETL {name}", ct);
    }

    public async Task CreateBucketAsync(string bucket, CancellationToken ct)
    {
        using var response = await http.PutAsync(new Uri(endpoint, $"/v1/buckets/{bucket}"), content: null, ct);
        if (response.StatusCode != HttpStatusCode.Conflict) await EnsureSuccessAsync(response, $"create bucket {bucket}", ct);
    }

    /// <summary>Deletes a bucket with its objects on every silo; a missing bucket is fine.</summary>
    public async Task DropBucketAsync(string bucket, CancellationToken ct)
    {
        using var response = await http.DeleteAsync(new Uri(endpoint, $"/v1/buckets/{bucket}?force=true"), ct);
        if (response.StatusCode != HttpStatusCode.NotFound) await EnsureSuccessAsync(response, $"delete bucket {bucket}", ct);
    }

    /// <summary>How many objects the bucket lists and their total size, across all silos.</summary>
    public async Task<(long Objects, long Bytes)> CountAsync(string bucket, CancellationToken ct)
    {
        long objects = 0, bytes = 0;
        string? token = null;
        do
        {
            var url = $"/v1/buckets/{bucket}?page_size=10000" + (token is null ? "" : "&continuation_token=" + Uri.EscapeDataString(token));
            using var page = JsonDocument.Parse(await http.GetStringAsync(new Uri(endpoint, url), ct));
            foreach (var entry in page.RootElement.GetProperty("entries").EnumerateArray())
            {
                objects++;
                bytes += entry.GetProperty("size").GetInt64();
            }
            token = page.RootElement.GetProperty("continuation_token").GetString();
        } while (token is not null);
        return (objects, bytes);
    }

    /// <summary>
    /// Runs an offline transform of the whole <paramref name="from"/> bucket into <paramref name="to"/> (created by the
    /// job) and waits for it; returns its final status, and throws unless it succeeded.
    /// </summary>
    public async Task<JsonElement> RunJobAsync(string etl, string from, string to, int workersPerSilo, CancellationToken ct)
    {
        var body = new { etl, from_bucket = from, to_bucket = to, create_destination = true, num_workers = workersPerSilo };
        using var start = await http.PostAsJsonAsync(new Uri(endpoint, "/v1/jobs/etl"), body, ct);
        await EnsureSuccessAsync(start, $"start job {etl} {from} -> {to}", ct);
        var id = JsonDocument.Parse(await start.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            // Long poll: the silo answers as soon as the job is no longer running (or after the wait).
            var status = JsonDocument.Parse(await http.GetStringAsync(new Uri(endpoint, $"/v1/jobs/{id}?wait=30"), ct)).RootElement;
            var state = status.GetProperty("state").GetString();
            if (state == "Succeeded") return status;
            if (state != "Running") throw new InvalidOperationException($"job {id} ({etl}) ended {state}: {status}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} ({etl}) still running after {JobTimeout}");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        throw new HttpRequestException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}", null, response.StatusCode);
    }
}
