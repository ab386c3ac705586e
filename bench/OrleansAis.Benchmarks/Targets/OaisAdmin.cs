using System.Net;
using System.Text.Json;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Benchmarks.Targets;

/// <summary>
/// The unmeasured HTTP calls around the ETL benchmarks: ETLs (init, delete), offline jobs (start, wait), and
/// listing or dropping buckets to check what a run produced. Every failure says which call failed and why.
/// </summary>
public sealed class OaisAdmin(HttpClient http, Uri endpoint)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How long one long poll of a running job may wait for its end.</summary>
    private static readonly TimeSpan JobPoll = TimeSpan.FromSeconds(30);

    private readonly OaisHttpClient _api = new(http, endpoint);

    public Uri Endpoint => endpoint;

    /// <summary>Initializes the built-in echo transformer on every silo; <c>io://</c> runs it once per object with <c>--stdio</c>.</summary>
    public Task InitEchoAsync(string name, string communicator, bool supportDirectPut, CancellationToken ct, bool python = false) =>
        python
            ? InitSpecAsync(name, communicator, new Dictionary<string, object> { ["python"] = new { source = PythonEcho, function = "transform" } }, fqn: false, supportDirectPut, ct)
            : InitAsync(name, communicator, communicator == "io://" ? ["etl-host", "echo", "--stdio"] : ["etl-host", "echo"], fqn: false, supportDirectPut, ct);

    /// <summary>Initializes an ETL running <paramref name="command"/> on every silo (fqn: the transformer reads the object's file).</summary>
    public Task InitAsync(string name, string communicator, IReadOnlyList<string> command, bool fqn, bool supportDirectPut, CancellationToken ct) =>
        InitSpecAsync(name, communicator, new Dictionary<string, object> { ["command"] = command }, fqn, supportDirectPut, ct);

    private Task InitSpecAsync(string name, string communicator, Dictionary<string, object> runtime, bool fqn, bool supportDirectPut, CancellationToken ct)
    {
        // Only what differs from the server's defaults: the spec is parsed as a user would write it.
        var spec = new Dictionary<string, object>
        {
            ["name"] = name, ["communication"] = communicator, ["runtime"] = runtime,
            ["init_timeout"] = "90s", ["support_direct_put"] = supportDirectPut,
        };
        if (fqn) spec["argument"] = "fqn";
        return Described($"init ETL {name} ({communicator})", () => _api.InitEtlAsync(JsonSerializer.Serialize(spec, OaisJson.Options), ct));
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
    public Task DeleteEtlAsync(string name, CancellationToken ct) =>
        Described($"delete ETL {name}", () => _api.DeleteEtlAsync(name, ct), HttpStatusCode.NotFound);

    public Task CreateBucketAsync(string bucket, CancellationToken ct) =>
        Described($"create bucket {bucket}", () => _api.CreateBucketAsync(bucket, properties: null, ct), HttpStatusCode.Conflict);

    /// <summary>Deletes a bucket with its objects on every silo; a missing bucket is fine.</summary>
    public Task DropBucketAsync(string bucket, CancellationToken ct) =>
        Described($"delete bucket {bucket}", () => _api.DeleteBucketAsync(bucket, force: true, ct), HttpStatusCode.NotFound);

    /// <summary>How many objects the bucket lists and their total size, across all silos.</summary>
    public async Task<(long Objects, long Bytes)> CountAsync(string bucket, CancellationToken ct)
    {
        long objects = 0, bytes = 0;
        await foreach (var entry in _api.ListObjectsAsync(bucket, prefix: null, OaisQuery.MaxPageSize, limit: null, ct))
        {
            objects++;
            bytes += entry.Size;
        }
        return (objects, bytes);
    }

    /// <summary>
    /// Runs an offline transform of the whole <paramref name="from"/> bucket into <paramref name="to"/> (created by the
    /// job) and waits for it; returns its final status, and throws unless it succeeded. A null <paramref name="workersPerSilo"/>
    /// leaves num_workers to the silos' default.
    /// </summary>
    public async Task<JobDetailsDto> RunJobAsync(string etl, string from, string to, int? workersPerSilo, CancellationToken ct)
    {
        var request = new JobStartRequest { Etl = etl, FromBucket = from, ToBucket = to, CreateDestination = true, NumWorkers = workersPerSilo };
        var id = "";
        await Described($"start job {etl} {from} -> {to}", async () => id = (await _api.StartJobAsync(request, ct)).Id);
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            // Long poll: the silo answers as soon as the job is no longer running (or after the wait).
            var status = await _api.GetJobAsync(id, JobPoll, ct);
            if (status.State == "Succeeded") return status;
            if (status.State != "Running") throw new InvalidOperationException($"job {id} ({etl}) ended {status.State}: {status.Reason}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} ({etl}) still running after {JobTimeout}");
        }
    }

    /// <summary>Runs the call; an answer with <paramref name="acceptable"/> counts as done, any other error names the call.</summary>
    private static async Task Described(string what, Func<Task> call, HttpStatusCode? acceptable = null)
    {
        try
        {
            await call();
        }
        catch (OaisApiException e) when (e.Status != acceptable)
        {
            throw new HttpRequestException($"{what}: {(int)e.Status} {e.Code}: {e.Message}", e, e.Status);
        }
        catch (OaisApiException)
        {
            // The state the call wanted is already there.
        }
    }
}
