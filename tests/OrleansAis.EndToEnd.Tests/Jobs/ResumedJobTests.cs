using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Reliability;
using OrleansAis.Ownership;
using OrleansAis.Testing;
using Xunit.Abstractions;

namespace OrleansAis.EndToEnd.Tests.Jobs;

/// <summary>
/// Jobs through membership changes on three real silo processes (docs/ETL.md, "Resuming jobs"): a silo killed with -9 in
/// the middle of its share resumes it after its restart, and a silo that joins mid-job takes the objects it came to own.
/// What each object went through is counted by the transformer itself (its request log), not by the job's report.
/// </summary>
public sealed class ResumedJobTests(ITestOutputHelper output)
{
    private const int Workers = 2;

    [RedisFact]
    public async Task A_silo_killed_mid_job_resumes_its_share_and_transforms_no_finished_object_again()
    {
        RedisAvailability.EnsureAvailable();
        const int count = 150;
        await using var cluster = await ScriptedCluster.StartAsync(3, ResumedJobs.SiloArgs);
        var nodes = cluster.Nodes;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var jobs = new ResumedJobs(http, nodes[0].HttpUrl, Path.Combine(cluster.BaseDirectory, "requests"));
        var id = await jobs.StartCopyJobAsync("resume", count, seconds: 0.05, Workers);

        // Killed with well more of its share done than it transforms at once: a resume that redid them would show.
        var victim = nodes[2];
        await Waiting.WaitUntil(() => jobs.Transformed().Count(t => t.Node == victim.NodeId) >= 4 * Workers, TimeSpan.FromSeconds(30),
            () => $"{victim.NodeId} transformed too little: {jobs.Transformed().Count} in all", TimeSpan.FromMilliseconds(20));
        var running = await jobs.StatusAsync(id);
        output.WriteLine(await cluster.KillAsync(victim));
        var doneBeforeKill = jobs.Transformed().Count(t => t.Node == victim.NodeId);
        Assert.Equal("Running", running.GetProperty("state").GetString());
        // The total is known while the job runs, for a prefix too (every node counted its share before transforming it).
        Assert.Equal(count, ResumedJobs.Long(running, "total_objects"));
        Assert.Equal(Enumerable.Range(0, count).Sum(i => (long)ResumedJobs.Content(i).Length), ResumedJobs.Long(running, "total_bytes"));

        var whileDown = await jobs.StatusAsync(id);
        Assert.Equal("Running", whileDown.GetProperty("state").GetString()); // waiting for the node, not Interrupted
        output.WriteLine(await cluster.RestartAsync(victim));
        var done = await jobs.WaitAsync(id, TimeSpan.FromSeconds(60));
        output.WriteLine(done.ToString());

        Assert.True(done.GetProperty("state").GetString() == "Succeeded", $"job: {done}\n{ResumedJobs.Logs(cluster)}");
        Assert.Equal(count, ResumedJobs.Long(done, "total_objects"));
        Assert.Equal(0, ResumedJobs.Long(done, "errors"));
        Assert.Equal(count, ResumedJobs.Long(done, "objects") + ResumedJobs.Long(done, "skipped"));
        var resumed = done.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("node").GetString() == victim.NodeId);
        Assert.Equal(1, resumed.GetProperty("resumed").GetInt32());
        Assert.True(ResumedJobs.Long(resumed, "skipped") > 0, $"the resumed share skipped nothing: {resumed}");

        var problems = await jobs.CheckDestinationsAsync("resume-dst", count);
        Assert.True(problems.Count == 0, string.Join('\n', problems));

        // The transformers' own count: every object transformed. Again only what had not reached its destination: on the
        // victim what it was transforming when it died (at most its num_workers), on the others what they were
        // delivering to the victim as it died or while it was down (their result never landed; they try again).
        var transformed = jobs.Transformed();
        var perObject = transformed.GroupBy(t => t.Object).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(count, perObject.Count);
        var twice = perObject.Where(p => p.Value.Count > 1).ToList();
        output.WriteLine($"{transformed.Count} transforms; {doneBeforeKill} by {victim.NodeId} before the kill; transformed again: " +
                         string.Join(", ", twice.Select(t => $"{t.Key} x{t.Value.Count} on {string.Join('+', t.Value.Select(v => v.Node))}")));
        var redoneByVictim = twice.Where(t => t.Value.Count(v => v.Node == victim.NodeId) > 1).ToList();
        Assert.True(redoneByVictim.Count <= Workers,
            $"{redoneByVictim.Count} objects transformed again by the resumed silo (more than it had in flight): {string.Join(", ", redoneByVictim.Select(t => t.Key))}");
        var ids = nodes.Select(n => n.NodeId).ToList();
        foreach (var (name, by) in twice.Where(t => t.Value.Any(v => v.Node != victim.NodeId)))
        {
            var destinationOwner = Rendezvous.Owner(ObjectKey.Format("resume-dst", name["resume-src/".Length..]), ids, n => n);
            Assert.True(destinationOwner == victim.NodeId, $"{name} transformed {by.Count} times on {string.Join(", ", by.Select(v => v.Node))}, its destination on {destinationOwner}");
        }
    }

    [RedisFact]
    public async Task A_silo_that_joins_mid_job_takes_the_objects_it_came_to_own()
    {
        RedisAvailability.EnsureAvailable();
        const int count = 300;
        await using var cluster = await ScriptedCluster.StartAsync(3, ResumedJobs.SiloArgs);
        var nodes = cluster.Nodes;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var jobs = new ResumedJobs(http, nodes[0].HttpUrl, Path.Combine(cluster.BaseDirectory, "requests"));
        // The new silo starts with the job (a silo takes seconds to start and join); the job has about 20 s of work.
        var adding = cluster.AddAsync();
        var id = await jobs.StartCopyJobAsync("join", count, seconds: 0.3, Workers);
        output.WriteLine(await adding);
        var joined = cluster.Nodes.Single(n => nodes.All(o => o.NodeId != n.NodeId));
        var afterJoin = await jobs.StatusAsync(id);
        Assert.True(afterJoin.GetProperty("state").GetString() == "Running", $"the job ended before the join, so it shows nothing: {afterJoin}");

        var done = await jobs.WaitAsync(id, TimeSpan.FromSeconds(60));
        output.WriteLine(done.ToString());
        Assert.True(done.GetProperty("state").GetString() == "Succeeded", $"job: {done}\n{ResumedJobs.Logs(cluster)}");
        Assert.Equal(count, ResumedJobs.Long(done, "total_objects"));
        Assert.Equal(0, ResumedJobs.Long(done, "errors"));
        // The joined node walked its share: it is one of the job's nodes now.
        Assert.Contains(done.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("node").GetString() == joined.NodeId);
        var problems = await jobs.CheckDestinationsAsync("join-dst", count);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        var perObject = jobs.Transformed().GroupBy(t => t.Object).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(count, perObject.Count);
        output.WriteLine($"{perObject.Values.Sum()} transforms of {count} objects; {perObject.Count(p => p.Value > 1)} more than once");
    }
}
