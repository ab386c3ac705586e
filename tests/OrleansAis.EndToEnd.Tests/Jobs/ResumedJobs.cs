using System.Net.Http.Json;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Etl;
using OrleansAis.EndToEnd.Tests.Reliability;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Jobs;

/// <summary>
/// What the resumed-job tests share: a bucket of distinct small objects, a slow copy transformer (one <c>sh</c> per
/// object, so a share lasts long enough to be cut in the middle) that counts what it transformed in request logs
/// (etl-host's <c>OAIS_REQUEST_LOG</c> folder, which outlives the transformer processes), and job calls over HTTP.
/// </summary>
public sealed class ResumedJobs(HttpClient http, Uri endpoint, string requestLogs)
{
    public EtlHttp Etl { get; } = new(http, endpoint);

    public static byte[] Content(int i) => System.Text.Encoding.UTF8.GetBytes($"resumable object {i} " + new string((char)('a' + i % 26), 100 + i % 200));

    public static string Name(int i) => $"obj/{i:D4}.bin";

    /// <summary>Silos with transformers as local processes and a job that looks at its nodes every second.</summary>
    public static readonly string[] SiloArgs = ["--Etl:Runtime=process", "--Jobs:CheckInterval=00:00:01"];

    public async Task FillAsync(string bucket, int count)
    {
        await Etl.CreateBucketAsync(bucket);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await Etl.PutAsync(bucket, Name(i), new ByteArrayContent(Content(i))));
    }

    /// <summary>A copy through <c>sh -c 'sleep S; cat'</c>, counted in the request log.</summary>
    public Task InitSlowCopyAsync(string name, double seconds) => Etl.InitOkAsync(EtlHttp.Spec(name, "hpush://",
        ["etl-host", "exec", "--", "sh", "-c", $"sleep {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}; cat"],
        extra: new Dictionary<string, object> { ["env"] = new Dictionary<string, string> { ["OAIS_REQUEST_LOG"] = requestLogs } }));

    /// <summary>
    /// Fills NAME-src with <paramref name="count"/> objects and starts a job copying them (prefix <c>obj/</c>) through a
    /// slow copy NAME-copy into NAME-dst, <paramref name="workers"/> at a time per silo; returns the job's id.
    /// </summary>
    public async Task<string> StartCopyJobAsync(string name, int count, double seconds, int workers)
    {
        await FillAsync($"{name}-src", count);
        await InitSlowCopyAsync($"{name}-copy", seconds);
        return await StartAsync(new
        {
            etl = $"{name}-copy", from_bucket = $"{name}-src", to_bucket = $"{name}-dst", create_destination = true, prefix = "obj/", num_workers = workers,
        });
    }

    public async Task<string> StartAsync(object body)
    {
        using var start = await http.PostAsJsonAsync(new Uri(endpoint, "/v1/jobs/etl"), body);
        var text = await start.Content.ReadAsStringAsync();
        Assert.True(start.IsSuccessStatusCode, $"job start: {(int)start.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> StatusAsync(string id, string query = "") =>
        JsonDocument.Parse(await http.GetStringAsync(new Uri(endpoint, $"/v1/jobs/{id}{query}"))).RootElement;

    /// <summary>Long polls until the job is no longer running.</summary>
    public Task<JsonElement> WaitAsync(string id, TimeSpan timeout) =>
        Waiting.WaitUntil(() => StatusAsync(id, "?wait=10"), s => s.GetProperty("state").GetString() != "Running", timeout,
            s => $"job still running: {s}", poll: TimeSpan.Zero);

    /// <summary>Every object the transformers transformed completely, with the node whose transformer did it, in order.</summary>
    public IReadOnlyList<(string Node, string Object)> Transformed()
    {
        if (!Directory.Exists(requestLogs)) return [];
        return Directory.GetFiles(requestLogs, "*.log").SelectMany(file =>
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }).Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).Select(p => (p[0], p[1])).ToList();
    }

    /// <summary>Every destination, byte for byte against its source (the transform is a copy); the problems found.</summary>
    public async Task<List<string>> CheckDestinationsAsync(string bucket, int count)
    {
        var problems = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            using var response = await http.GetAsync(Etl.ObjectUri(bucket, Name(i), ""));
            var body = response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync() : null;
            if (body is null || !body.AsSpan().SequenceEqual(Content(i)))
                lock (problems) problems.Add($"{bucket}/{Name(i)}: {(body is null ? $"{(int)response.StatusCode}" : $"{body.Length} bytes that differ")}");
        });
        return problems;
    }

    public static long Long(JsonElement e, string property) => e.GetProperty(property).GetInt64();

    public static string Logs(ScriptedCluster cluster) =>
        string.Join("\n", cluster.Nodes.Select(n => $"--- {n.NodeId}\n{ScriptedCluster.LogTail(n, 25)}"));
}
