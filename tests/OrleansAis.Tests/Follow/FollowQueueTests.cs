using Microsoft.Extensions.Options;
using OrleansAis.Etl;
using OrleansAis.Follow;

namespace OrleansAis.Tests.Follow;

[Trait("Category", "Fast")]
public sealed class FollowQueueTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ManualTime _time = new();

    private FollowQueue Queue(int capacity = 100) => new(Options.Create(new FollowOptions { QueueCapacity = capacity }), _time);

    private static async Task<List<FollowWork>> DrainAsync(FollowQueue queue, int expected)
    {
        var taken = new List<FollowWork>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await foreach (var work in queue.ReadAllAsync(timeout.Token))
        {
            taken.Add(work);
            if (taken.Count == expected) break;
        }
        return taken;
    }

    [Fact]
    public async Task A_burst_of_writes_of_one_object_is_one_transform_and_a_write_during_it_is_one_more()
    {
        var queue = Queue();
        var work = new FollowWork("a->b", "x");
        Assert.True(queue.Add(work, fromWrite: true));
        Assert.True(queue.Add(work, fromWrite: true));
        Assert.Equal(1, queue.Count);
        var first = Assert.Single(await DrainAsync(queue, 1));
        Assert.True(queue.Start(first));

        _time.Now += TimeSpan.FromSeconds(3);
        queue.Add(work, fromWrite: true); // written again while its transform runs
        queue.Add(work, fromWrite: true);
        queue.Finish(first);
        Assert.Equal(1, queue.Count);
        var again = Assert.Single(await DrainAsync(queue, 1));
        Assert.True(queue.Start(again)); // the newest write happened here
        _time.Now += TimeSpan.FromSeconds(2);
        Assert.Equal((1L, TimeSpan.FromSeconds(2)), queue.PendingOf("a->b")); // its lag counts from the write during the first run
        queue.Finish(again);
        Assert.Equal(0, queue.Count);
        Assert.Equal((0L, TimeSpan.Zero), queue.PendingOf("a->b"));
    }

    [Fact]
    public void A_full_queue_refuses_without_blocking_and_asks_for_a_reconcile_pass()
    {
        var queue = Queue(capacity: 2);
        Assert.True(queue.Add(new("r", "1"), fromWrite: true));
        _time.Now += TimeSpan.FromSeconds(5);
        Assert.True(queue.Add(new("r", "2"), fromWrite: true));
        Assert.False(queue.TakeOverflow());
        Assert.False(queue.Add(new("r", "3"), fromWrite: true));
        Assert.True(queue.TakeOverflow());
        Assert.False(queue.TakeOverflow()); // once per overflow
        var status = queue.Status("r", "node-a");
        Assert.Equal(2, status.Pending);
        Assert.Equal(1, status.Overflowed);
        Assert.Equal(5, status.LagSeconds); // the oldest pending write
    }

    [Fact]
    public void Failures_are_listed_most_recent_first_bounded()
    {
        var counters = Queue().CountersOf("r");
        for (var i = 0; i < FollowNodeStatus.MaxListedFailures + 5; i++) counters.Failure($"o{i}", "boom");
        Assert.Equal(FollowNodeStatus.MaxListedFailures + 5, counters.Failed);
        var listed = counters.RecentFailures();
        Assert.Equal(FollowNodeStatus.MaxListedFailures, listed.Count);
        Assert.Equal($"o{FollowNodeStatus.MaxListedFailures + 4}", listed[^1].Name);
    }

    [Theory]
    [InlineData(null, "a/b.flac", "a/b.wav")]
    [InlineData("x|src/y", "n.flac", "n.wav")]       // etl_args holding "|src/" do not fool the reader
    [InlineData("", "deep/|src/name.flac", "deep/|src/name.wav")]
    public void The_source_of_an_output_is_read_back_from_its_marker(string? etlArgs, string source, string destination)
    {
        var rule = FollowRule.Create("upper-case", "src", "dst", new Dictionary<string, string> { ["flac"] = "wav" }, "p/", etlArgs, DateTimeOffset.UnixEpoch);
        var meta = new ObjectMeta { Bucket = "src", Name = source, Checksum = "abc", Version = 3 };
        var output = new ObjectMeta
        {
            Bucket = "dst", Name = "p/" + destination, Checksum = "def",
            Custom = new Dictionary<string, string> { [EtlCopier.SourceMetadataKey] = FollowMarker.Expected(rule, meta) },
        };
        Assert.Equal(source, FollowMarker.SourceName(rule, output));
        Assert.Null(FollowMarker.SourceName(rule, new ObjectMeta { Bucket = "dst", Name = output.Name, Checksum = "def" })); // written by hand
        var otherBucket = FollowRule.Create("upper-case", "other", "dst", null, "p/", etlArgs, DateTimeOffset.UnixEpoch);
        Assert.Null(FollowMarker.SourceName(otherBucket, output));
    }

    [Fact]
    public void A_rule_is_validated_as_a_job_is_and_may_not_write_into_its_source()
    {
        var same = Assert.Throws<OaisException>(() => FollowRule.Create("upper-case", "src", "src", null, "p/", null, DateTimeOffset.UnixEpoch));
        Assert.Contains("to_bucket", same.Message);
        var bad = Assert.Throws<OaisException>(() => FollowRule.Create("UP", "src", "dst", new Dictionary<string, string> { ["a.b"] = "c" }, null, null, DateTimeOffset.UnixEpoch));
        Assert.Contains("etl", bad.Message);
        Assert.Contains("ext", bad.Message);
    }
}
