using OrleansAis.Client;
using OrleansAis.Client.Http;
using OrleansAis.Events;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;

namespace OrleansAis.Tests.Client;

/// <summary>The HTTP transport's events are the grain transport's types; a job's totals and re-walks add up.</summary>
[Trait("Category", "Fast")]
public sealed class JobEventModelTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_job_progress_event_over_HTTP_is_the_stream_event_with_its_totals()
    {
        var e = HttpModel.JobEvent(new JobEventDto(OaisEventKinds.JobProgress, "job-1", "n1", "Running", 5, 50, 40, 2, 1, null, At, 20, 200));
        Assert.Equal((JobEventKind.Progress, "job-1", "n1", JobState.Running), (e.Kind, e.JobId, e.Node, e.State));
        Assert.Equal((5L, 50L, 40L, 2L, 1L, (long?)20, (long?)200), (e.Objects, e.BytesIn, e.BytesOut, e.Skipped, e.Errors, e.TotalObjects, e.TotalBytes));
        Assert.False(e.IsFinal);
        var end = HttpModel.JobEvent(new JobEventDto(OaisEventKinds.JobState, "job-1", null, "Succeeded", 20, 0, 0, 0, 0, null, At));
        Assert.True(end.IsFinal);
        Assert.Null(end.TotalObjects);
    }

    [Fact]
    public void Object_events_over_HTTP_keep_their_kind_and_other_kinds_are_not_object_events()
    {
        var dto = new ObjectEventDto(OaisEventKinds.ObjectOverwritten, "b", "o", 2, 4, "\"e\"", "c", "n1", At);
        var e = HttpModel.ObjectEvent(OaisEventKinds.ObjectOverwritten, dto)!;
        Assert.Equal((ObjectEventKind.Overwritten, "b", "o", 2L, 4L, "\"e\"", "c", "n1", At), (e.Kind, e.Bucket, e.Name, e.Version, e.Size, e.ETag, e.Checksum, e.Node, e.Time));
        Assert.Equal(ObjectEventKind.Created, HttpModel.ObjectEvent(OaisEventKinds.ObjectCreated, dto)!.Kind);
        Assert.Equal(ObjectEventKind.Deleted, HttpModel.ObjectEvent(OaisEventKinds.ObjectDeleted, dto)!.Kind);
        Assert.Null(HttpModel.ObjectEvent(OaisEventKinds.Subscribed, dto));
    }

    [Fact]
    public void A_re_walk_adds_its_counters_to_the_first_walk_and_keeps_its_total()
    {
        var first = new JobNodeStatus
        {
            NodeId = "n1", State = JobState.Succeeded, Objects = 10, BytesIn = 100, Skipped = 2, ErrorCount = 1,
            Errors = [new JobObjectError { Name = "x", Message = "bad" }], TotalObjects = 13, TotalBytes = 130,
        };
        var rewalk = new JobNodeStatus { NodeId = "n1", State = JobState.Running, Objects = 3, BytesIn = 30, TotalObjects = 0, TotalBytes = 0, Round = 1 };
        var both = first.Then(rewalk);
        Assert.Equal((JobState.Running, 13L, 130L, 2L, 1L, 1), (both.State, both.Objects, both.BytesIn, both.Skipped, both.ErrorCount, both.Round));
        Assert.Equal(((long?)13, (long?)130), (both.TotalObjects, both.TotalBytes));
        Assert.Equal("x", Assert.Single(both.Errors).Name);
    }

    [Fact]
    public void The_total_is_known_once_every_node_counted_and_the_fraction_follows_it()
    {
        JobNodeStatus Node(string id, long? total, long done) => new() { NodeId = id, State = JobState.Running, Objects = done, TotalObjects = total, TotalBytes = total * 10 };
        var request = new EtlJobRequest { Etl = "echo-etl", SourceBucket = "src", DestinationBucket = "dst" };
        var counting = new EtlJobStatus { Id = "j", Request = request, Nodes = [Node("a", 10, 4), Node("b", null, 0)] };
        Assert.Null(counting.TotalObjects);
        Assert.Null(JobProgress.Of(counting).Fraction);
        var counted = new EtlJobStatus { Id = "j", Request = request, Nodes = [Node("a", 10, 4), Node("b", 30, 6)] };
        Assert.Equal(((long?)40, (long?)400), (counted.TotalObjects, counted.TotalBytes));
        Assert.Equal(0.25, JobProgress.Of(counted).Fraction);
    }
}
