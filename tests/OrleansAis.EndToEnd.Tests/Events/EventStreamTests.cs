using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansAis.Client.Events;
using OrleansAis.EndToEnd.Tests.Etl;
using OrleansAis.Events;
using EtlStage = OrleansAis.Etl.EtlStage;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;

namespace OrleansAis.EndToEnd.Tests.Events;

/// <summary>Object, ETL and job events on three real silo processes, followed by an Orleans client and as server-sent events.</summary>
public sealed class EventStreamTests(ThreeSiloProcessEtlCluster cluster) : IClassFixture<ThreeSiloProcessEtlCluster>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly EtlHttp _etl = new(cluster.Http, cluster.Endpoint);
    private IHost _client = null!;
    private EventWatcher Watcher => new(_client.Services.GetRequiredService<IClusterClient>());

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(c => c.UseLocalhostClustering(gatewayPort: cluster.Silos[1].GatewayPort, serviceId: "oais", clusterId: "oais").AddOaisEvents());
        _client = builder.Build();
        await _client.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.StopAsync();
        _client.Dispose();
    }

    /// <summary>Reads <paramref name="subscription"/> until <paramref name="enough"/> holds, failing at the deadline.</summary>
    private static async Task<List<T>> CollectAsync<T>(EventSubscription<T> subscription, Func<List<T>, bool> enough) where T : class
    {
        var seen = new List<T>();
        using var cancel = new CancellationTokenSource(Deadline);
        try
        {
            await foreach (var e in subscription.ReadAllAsync(cancel.Token))
            {
                seen.Add(e);
                if (enough(seen)) return seen;
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"{seen.Count} events within {Deadline}: {string.Join(", ", seen)}");
    }

    [Fact]
    public async Task Creates_overwrites_and_deletes_on_every_node_reach_a_bucket_watcher_in_order_per_object()
    {
        await _etl.CreateBucketAsync("ev-bucket");
        var names = Enumerable.Range(0, 30).Select(i => $"obj-{i:D2}").ToList();
        await using var subscription = await Watcher.SubscribeBucketAsync("ev-bucket");
        foreach (var name in names) await _etl.PutAsync("ev-bucket", name, new StringContent("v1 " + name));
        foreach (var name in names.Take(10)) await _etl.PutAsync("ev-bucket", name, new StringContent("v2 of " + name));
        foreach (var name in names.Skip(25))
            (await cluster.Http.DeleteAsync(_etl.ObjectUri("ev-bucket", name, ""))).EnsureSuccessStatusCode();
        var events = await CollectAsync(subscription, seen => seen.Count >= 30 + 10 + 5);

        Assert.Equal(45, events.Count);
        Assert.Equal(3, events.Select(e => e.Node).Distinct().Count()); // every node published what it owns
        foreach (var group in events.GroupBy(e => e.Name))
        {
            var i = names.IndexOf(group.Key);
            ObjectEventKind[] expected = i < 10 ? [ObjectEventKind.Created, ObjectEventKind.Overwritten]
                : i >= 25 ? [ObjectEventKind.Created, ObjectEventKind.Deleted] : [ObjectEventKind.Created];
            Assert.Equal(expected, group.Select(e => e.Kind));
        }
        var overwrite = events.First(e => e.Kind == ObjectEventKind.Overwritten);
        Assert.Equal(2, overwrite.Version);
        Assert.Equal(("v2 of " + overwrite.Name).Length, overwrite.Size);
        using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, _etl.ObjectUri("ev-bucket", overwrite.Name, "")));
        Assert.Equal(head.Headers.ETag!.Tag, overwrite.ETag);
    }

    [Fact]
    public async Task A_job_watcher_sees_each_nodes_progress_in_order_and_ends_with_the_final_state()
    {
        await _etl.CreateBucketAsync("ev-job-src");
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await _etl.PutAsync("ev-job-src", $"o-{i:D3}", new ByteArrayContent(new byte[64 << 10])));
        await _etl.InitOkAsync(EtlHttp.Spec("ev-job-echo", "hpush://", ["etl-host", "echo"]));
        try
        {
            using var start = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Endpoint, OaisRoutes.StartEtlJob),
                new { etl = "ev-job-echo", from_bucket = "ev-job-src", to_bucket = "ev-job-dst", create_destination = true, num_workers = 1 });
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            var id = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

            var events = new List<JobEvent>();
            using var cancel = new CancellationTokenSource(Deadline);
            await foreach (var e in Watcher.WatchJobAsync(id, cancel.Token)) events.Add(e);

            var last = events[^1];
            Assert.True(last.IsFinal, $"last event: {last.Kind} {last.State}");
            Assert.Equal(JobState.Succeeded, last.State);
            Assert.Equal(300, last.Objects);
            Assert.Single(events, e => e.IsFinal);
            foreach (var node in events.Where(e => e.Kind == JobEventKind.Progress).GroupBy(e => e.Node))
            {
                var counts = node.Select(e => e.Objects).ToList();
                Assert.Equal(counts.Order(), counts); // a node's progress never goes back
            }
            // Watching a job that has ended yields its final state at once.
            var again = new List<JobEvent>();
            await foreach (var e in Watcher.WatchJobAsync(id, cancel.Token)) again.Add(e);
            Assert.Equal((JobState.Succeeded, 300L), (Assert.Single(again).State, again[0].Objects));
        }
        finally
        {
            await _etl.DeleteAsync("ev-job-echo");
        }
    }

    [Fact]
    public async Task Server_sent_events_carry_object_and_etl_events_as_json()
    {
        await _etl.CreateBucketAsync("ev-sse");
        using var sse = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, $"{OaisRoutes.Events}?{OaisQuery.Bucket}=ev-sse"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", sse.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await sse.Content.ReadAsStreamAsync());
        Assert.Equal(OaisEventKinds.Subscribed, (await ReadEventAsync(reader)).Kind);

        await _etl.PutAsync("ev-sse", "a/b c.txt", new StringContent("hello"));
        var (kind, data) = await ReadEventAsync(reader);
        Assert.Equal(OaisEventKinds.ObjectCreated, kind);
        var created = JsonSerializer.Deserialize<ObjectEventDto>(data, OaisJson.Options)!;
        Assert.Equal(("ev-sse", "a/b c.txt", 5L, 1L), (created.Bucket, created.Name, created.Size, created.Version));

        using var bad = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, $"{OaisRoutes.Events}?{OaisQuery.Bucket}=ev-sse&{OaisQuery.Job}=x"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var missing = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, $"{OaisRoutes.Events}?{OaisQuery.Bucket}=no-such-bucket"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_etl_watcher_sees_every_node_reach_running_and_then_aborted_when_stopped()
    {
        const string name = "ev-etl-stages";
        await using var subscription = await Watcher.SubscribeEtlAsync(name);
        try
        {
            await _etl.InitOkAsync(EtlHttp.Spec(name, "hpush://", ["etl-host", "echo"]));
            (await cluster.Http.PostAsync(new Uri(cluster.Endpoint, $"/v1/etl/{name}/stop"), null)).EnsureSuccessStatusCode();
            var events = await CollectAsync(subscription, seen => seen.Count(e => e.Stage == EtlStage.Aborted) >= 3);
            foreach (var node in cluster.Silos.Select(s => s.NodeId))
            {
                var stages = events.Where(e => e.Node == node).Select(e => e.Stage).ToList();
                Assert.Equal([EtlStage.Initializing, EtlStage.Running, EtlStage.Aborted], stages);
            }
            Assert.All(events.Where(e => e.Stage == EtlStage.Aborted), e => Assert.Equal("stopped by user", e.Reason));
        }
        finally
        {
            await _etl.DeleteAsync(name);
        }
    }

    private static async Task<(string Kind, string Data)> ReadEventAsync(StreamReader reader)
    {
        using var cancel = new CancellationTokenSource(Deadline);
        string? kind = null, data = null;
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            else if (line.Length == 0 && kind is not null) return (kind, data ?? "");
        }
        throw new EndOfStreamException("the event stream ended");
    }
}
