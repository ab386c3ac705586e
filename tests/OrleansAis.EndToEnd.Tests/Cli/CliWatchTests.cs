using System.Net.Http.Json;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Etl;
using OrleansAis.Http.Contracts;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Cli;

/// <summary><c>oais watch</c>: a bucket's object events and a job's end, from the server-sent events of three real silos.</summary>
[Collection(CliEtlCollection.Name)]
public sealed class CliWatchTests(ThreeSiloProcessEtlCluster cluster)
{
    private readonly EtlHttp _etl = new(cluster.Http, cluster.Endpoint);

    [Fact]
    public async Task Watch_prints_object_events_as_json_lines_and_stops_after_count()
    {
        await _etl.CreateBucketAsync("cli-watch");
        var watching = OaisCli.RunAsync(cluster.Endpoint, "watch", "cli-watch", "--count", "2", "--json");
        // The watcher subscribes when its process is up; each probe writes one more object until it has seen two.
        var written = 0;
        await Waiting.WaitUntil(async () =>
        {
            await _etl.PutAsync("cli-watch", $"o-{written++:D3}", new StringContent("x"));
            return watching.IsCompleted;
        }, TimeSpan.FromSeconds(60), () => $"oais watch did not end after {written} objects", poll: TimeSpan.FromMilliseconds(300));

        var run = await watching;
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal(OaisEventKinds.ObjectCreated, l.GetProperty("event").GetString()));
        Assert.All(lines, l => Assert.Equal("cli-watch", l.GetProperty("data").GetProperty("bucket").GetString()));
        var names = lines.Select(l => l.GetProperty("data").GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names); // one writer, one after the other: in order
    }

    [Fact]
    public async Task Watching_a_job_that_already_ended_prints_its_final_state_and_exits()
    {
        await CliEtlCollection.FillAsync(_etl, "cli-watch-job", 5, i => $"w-{i}");
        await _etl.InitOkAsync(EtlHttp.Spec("cli-watch-echo", "hpush://", ["etl-host", "echo"]));
        try
        {
            using var start = await cluster.Http.PostAsJsonAsync(new Uri(cluster.Endpoint, OaisRoutes.StartEtlJob),
                new { etl = "cli-watch-echo", from_bucket = "cli-watch-job", to_bucket = "cli-watch-out", create_destination = true });
            var id = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            await OaisCli.OkAsync(cluster.Endpoint, "job", "wait", id);

            var run = await OaisCli.OkAsync(cluster.Endpoint, "watch", "--job", id);
            Assert.Matches($@"job\.state\s+{id}\s+all nodes\s+Succeeded\s+5 objects", run.Stdout);

            var bad = await OaisCli.RunAsync(cluster.Endpoint, "watch", "cli-watch-job", "--job", id);
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("exactly one of BUCKET, --etl NAME or --job ID", bad.Stderr);
        }
        finally
        {
            await _etl.DeleteAsync("cli-watch-echo");
        }
    }
}
