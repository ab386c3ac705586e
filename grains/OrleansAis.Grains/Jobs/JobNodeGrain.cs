using Orleans.Placement;
using OrleansAis.Buckets;
using OrleansAis.Grains;
using OrleansAis.Placement;

namespace OrleansAis.Jobs;

/// <summary>A job given to one node, as it keeps it until the share ends.</summary>
[GenerateSerializer, Immutable, Alias("oais.JobAssignment")]
public sealed class JobAssignment
{
    [Id(0)] public required EtlJobRequest Request { get; init; }
    /// <summary>The walk of the share last given (see <see cref="IJobNodeGrain.Run"/>).</summary>
    [Id(1)] public int Round { get; init; }
    /// <summary>The share's objects and bytes as its first count found them: a resumed share reports these, not a new count.</summary>
    [Id(2)] public long? TotalObjects { get; init; }
    [Id(3)] public long? TotalBytes { get; init; }
}

[GenerateSerializer, Alias("oais.JobNodeState")]
public sealed class JobNodeState
{
    [Id(0)] public Dictionary<string, JobAssignment> Jobs { get; set; } = [];
}

/// <summary>
/// One per node, pinned: the cluster's handle on that node's <see cref="NodeJobRunner"/>. The jobs it was given are in the
/// cluster's storage (as the job grain's state is) until their share ends, so a node that restarts resumes them
/// (<see cref="JobResumeStartup"/>).
/// </summary>
[NodePinnedPlacement, Immovable, KeepAlive]
public sealed class JobNodeGrain(
    [PersistentState("job-node", BucketRegistryGrain.StorageName)] IPersistentState<JobNodeState> state,
    NodeJobRunner runner) : Grain, IJobNodeGrain
{
    /// <summary>What a node that keeps a job it does not run (yet) reports: it restarted and is about to resume.</summary>
    public const string Resuming = "the node restarted; its share resumes";

    public async Task Run(string jobId, EtlJobRequest request, int round)
    {
        var kept = state.State.Jobs.GetValueOrDefault(jobId);
        if (kept?.Round != round)
        {
            state.State.Jobs[jobId] = new JobAssignment { Request = request, Round = round };
            await state.WriteStateAsync(); // durable before the work starts: a crash from here on resumes it
        }
        // Kept with this very walk but not running here: this incarnation restarted since it was given.
        runner.Start(jobId, request, round, resumed: kept?.Round == round, Counted(kept?.Round == round ? kept : null));
    }

    /// <summary>The share's first count, kept so that the job's total stays what it was when the share resumes.</summary>
    public async Task Count(string jobId, int round, long objects, long bytes)
    {
        if (state.State.Jobs.TryGetValue(jobId, out var kept) && kept.Round == round && kept.TotalObjects is null)
        {
            state.State.Jobs[jobId] = new JobAssignment { Request = kept.Request, Round = round, TotalObjects = objects, TotalBytes = bytes };
            await state.WriteStateAsync();
        }
    }

    private static (long Objects, long Bytes)? Counted(JobAssignment? kept) =>
        kept is { TotalObjects: { } objects, TotalBytes: { } bytes } ? (objects, bytes) : null;

    public Task<JobNodeStatus?> Status(string jobId) => Task.FromResult(runner.Status(jobId) ?? (state.State.Jobs.TryGetValue(jobId, out var kept)
        ? new JobNodeStatus { NodeId = this.GetPrimaryKeyString(), State = JobState.Running, Message = Resuming, Round = kept.Round }
        : null));

    public async Task Abort(string jobId, string reason)
    {
        runner.Abort(jobId, reason);
        if (state.State.Jobs.Remove(jobId)) await state.WriteStateAsync();
    }

    public async Task Forget(string jobId, int round)
    {
        // Only the walk that ended: a later one may have been given meanwhile.
        if (state.State.Jobs.TryGetValue(jobId, out var kept) && kept.Round == round && state.State.Jobs.Remove(jobId))
            await state.WriteStateAsync();
    }

    public Task Resume()
    {
        foreach (var (jobId, job) in state.State.Jobs) runner.Start(jobId, job.Request, job.Round, resumed: true, Counted(job));
        return Task.CompletedTask;
    }

    public Task<long> Copy(string etl, string srcBucket, string srcName, string dstBucket, string dstName, string? etlArgs) =>
        runner.CopyAsync(etl, srcBucket, srcName, dstBucket, dstName, etlArgs);
}
