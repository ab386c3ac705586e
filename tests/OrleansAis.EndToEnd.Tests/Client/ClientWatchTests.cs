using OrleansAis.Client;
using OrleansAis.Etl;
using OrleansAis.Events;
using OrleansAis.Jobs;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Client;

/// <summary>
/// <see cref="OaisClient.WatchJobAsync"/> and <see cref="OaisClient.WatchBucketAsync"/> on both transports: the grain
/// one over Orleans streams, the HTTP one over <c>GET /v1/events</c>; the same event types either way.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class ClientWatchTests(ClientCluster cluster)
{
    private static string Suffix(ObjectTransport t) => t.ToString().ToLowerInvariant();

    [Theory]
    [InlineData(ObjectTransport.Http)]
    [InlineData(ObjectTransport.Grain)]
    public async Task WatchJobAsync_sees_every_node_progress_in_order_with_the_total_and_ends_with_the_final_state(ObjectTransport transport)
    {
        const int count = 90;
        var oais = cluster.Client(transport);
        var from = $"watch-job-{Suffix(transport)}";
        var etl = $"watch-slow-{Suffix(transport)}";
        await oais.CreateBucketAsync(from);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) => await oais.PutObjectAsync(from, $"in/{i:D3}", new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"object {i}")), ct: ct));
        // One sh per object: the job takes a few seconds, so the nodes report progress while it runs.
        await oais.InitEtlAsync(new EtlSpec
        {
            Name = etl, Communication = EtlCommunication.Hpush, InitTimeout = TimeSpan.FromMinutes(1),
            Runtime = new EtlRuntimeSpec { Command = ["etl-host", "exec", "--", "sh", "-c", "sleep 0.1; cat"] },
        });
        try
        {
            var started = await oais.StartJobAsync(new EtlJobRequest
            {
                Etl = etl, SourceBucket = from, DestinationBucket = from + "-out", Prefix = "in/", CreateDestination = true, NumWorkers = 2,
            });
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var events = new List<JobEvent>();
            await foreach (var e in oais.WatchJobAsync(started.Id, limit.Token)) events.Add(e);

            var final = events[^1];
            Assert.True(final.IsFinal, $"last event: {final.Kind} {final.State}");
            Assert.Equal(JobState.Succeeded, final.State);
            Assert.Equal(count, final.Objects);
            Assert.Equal(count, final.TotalObjects);
            Assert.Single(events, e => e.IsFinal);
            var progress = events.Where(e => e.Kind == JobEventKind.Progress).ToList();
            Assert.True(progress.Count(e => e.State == JobState.Running) > 0, "no progress while the job ran");
            foreach (var node in progress.GroupBy(e => e.Node))
            {
                var seen = node.ToList();
                // In the order the node made them: its counters never go back, its end comes last.
                Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.Objects <= p.Second.Objects && p.First.Time <= p.Second.Time),
                    $"{node.Key}: {string.Join(", ", seen.Select(e => $"{e.Objects}@{e.Time:HH:mm:ss.fff}"))}");
                Assert.Equal(JobState.Succeeded, seen[^1].State);
                Assert.All(seen, e => Assert.NotNull(e.TotalObjects)); // counted before the first object was transformed
                Assert.Equal(seen[^1].TotalObjects, seen[^1].Objects);
            }
            Assert.Equal(count, progress.GroupBy(e => e.Node).Sum(g => g.Last().TotalObjects));

            // A job that already ended answers at once with its final state.
            var again = new List<JobEvent>();
            await foreach (var e in oais.WatchJobAsync(started.Id, limit.Token)) again.Add(e);
            Assert.Equal((JobState.Succeeded, (long)count), (Assert.Single(again).State, again[0].Objects));
        }
        finally
        {
            await oais.DeleteEtlAsync(etl);
        }
    }

    [Theory]
    [InlineData(ObjectTransport.Http)]
    [InlineData(ObjectTransport.Grain)]
    public async Task WatchBucketAsync_sees_objects_created_overwritten_and_deleted(ObjectTransport transport)
    {
        var oais = cluster.Client(transport);
        var bucket = $"watch-bucket-{Suffix(transport)}";
        await oais.CreateBucketAsync(bucket);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<ObjectEvent>();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in oais.WatchBucketAsync(bucket, stop.Token)) lock (seen) seen.Add(e);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });
        // The subscription is in place once an event of ours arrives: until then, write probes.
        var probe = 0;
        await Waiting.WaitUntil(async () =>
        {
            await oais.PutObjectAsync(bucket, $"probe-{probe++}", new MemoryStream([1]));
            lock (seen) return seen.Count > 0;
        }, TimeSpan.FromSeconds(30), () => "no event arrived for the probes", TimeSpan.FromMilliseconds(200));
        await oais.PutObjectAsync(bucket, "a.txt", new MemoryStream("one"u8.ToArray()));
        await oais.PutObjectAsync(bucket, "a.txt", new MemoryStream("two!"u8.ToArray()));
        await oais.DeleteObjectAsync(bucket, "a.txt");
        await Waiting.WaitUntil(() => { lock (seen) return seen.Count(e => e.Name == "a.txt") == 3; }, TimeSpan.FromSeconds(20),
            () => $"events of a.txt: {string.Join(", ", seen.Where(e => e.Name == "a.txt").Select(e => e.Kind))}");
        await stop.CancelAsync();
        await watching;
        var ours = seen.Where(e => e.Name == "a.txt").ToList();
        Assert.Equal([ObjectEventKind.Created, ObjectEventKind.Overwritten, ObjectEventKind.Deleted], ours.Select(e => e.Kind));
        Assert.Equal((1L, 3L), (ours[0].Version, ours[0].Size));
        Assert.Equal((2L, 4L), (ours[1].Version, ours[1].Size));
        Assert.All(ours, e => Assert.Equal(bucket, e.Bucket));
        await oais.DeleteBucketAsync(bucket, force: true);
    }
}
