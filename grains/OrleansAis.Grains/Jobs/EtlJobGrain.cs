using Microsoft.Extensions.Logging;
using OrleansAis.Buckets;
using OrleansAis.Etl;
using OrleansAis.Events;
using OrleansAis.Grains;

namespace OrleansAis.Jobs;

[GenerateSerializer, Alias("oais.EtlJobState")]
public sealed class EtlJobState
{
    [Id(0)] public EtlJobRequest? Request { get; set; }
    [Id(1)] public JobState State { get; set; }
    [Id(2)] public DateTimeOffset Started { get; set; }
    [Id(3)] public DateTimeOffset? Finished { get; set; }
    [Id(4)] public string? Reason { get; set; }
    /// <summary>The nodes that took part, and the final report of each one that finished.</summary>
    [Id(5)] public Dictionary<string, JobNodeStatus?> Nodes { get; set; } = [];
}

/// <summary>
/// One offline job: validates, fans the work out to every node, keeps the outcome in persistent state. A job whose node
/// restarted or left is reported Interrupted with what was done (never "running forever"); it is not resumed —
/// run it again, with <c>incremental</c> to skip what is already produced.
/// </summary>
public sealed class EtlJobGrain(
    [PersistentState("job", BucketRegistryGrain.StorageName)] IPersistentState<EtlJobState> state,
    EventPublisher events,
    JobStatusView view,
    ILogger<EtlJobGrain> log) : Grain, IEtlJobGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<EtlJobStatus> Start(EtlJobRequest request)
    {
        if (state.State.Request is not null) throw new OaisException(OaisErrorCode.Conflict, $"job '{Id}' already exists");
        request.EnsureValid();
        var pipeline = request.EffectivePipeline;
        for (var i = 0; i < pipeline.Count; i++)
        {
            EtlInfo etl;
            try
            {
                etl = await GrainFactory.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key).Get(pipeline.Stages[i].Etl);
            }
            catch (OaisException e) when (pipeline.Count > 1)
            {
                throw new OaisException(e.Code, $"{pipeline.Describe(i)}: {e.Message}"); // unknown: 404 naming the stage
            }
            if (request.Mode != JobMode.DryRun && etl.Stage != EtlStage.Running)
                throw new OaisException(OaisErrorCode.EtlNotRunning, $"{pipeline.Describe(i)} is {etl.Stage.ToString().ToLowerInvariant()}" + (etl.AbortReason is null ? "" : $": {etl.AbortReason}"));
        }
        var buckets = GrainFactory.GetGrain<IBucketRegistryGrain>(IBucketRegistryGrain.Key);
        if (await buckets.Get(request.SourceBucket) is null) throw OaisException.BucketNotFound(request.SourceBucket);
        if (request.Mode == JobMode.Transform && await buckets.Get(request.DestinationBucket!) is null)
        {
            if (!request.CreateDestination) throw OaisException.BucketNotFound(request.DestinationBucket!);
            await buckets.Create(request.DestinationBucket!, null);
        }

        var nodes = await GrainFactory.GetGrain<IClusterViewGrain>(0).Nodes();
        state.State = new EtlJobState
        {
            Request = request, State = JobState.Running, Started = DateTimeOffset.UtcNow,
            Nodes = nodes.ToDictionary(n => n.NodeId, _ => (JobNodeStatus?)null),
        };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IJobIndexGrain>(IJobIndexGrain.Key).Add(Id);
        await PublishStateAsync(); // before any node can report progress
        await Task.WhenAll(nodes.Select(n => GrainFactory.GetGrain<IJobNodeGrain>(n.NodeId).Run(Id, request)));
        log.LogInformation("Job {Job}: {Mode} {Source} -> {Destination} through {Etl} on {Nodes} nodes",
            Id, request.Mode, request.SourceBucket, request.DestinationBucket, pipeline.Name, nodes.Count);
        return await Status();
    }

    public async Task<EtlJobStatus> Status()
    {
        var statuses = await view.Nodes(Id, state.State);
        if (state.State.State == JobState.Running && statuses.FirstOrDefault(s => s.State == JobState.Interrupted) is { } lost)
        {
            foreach (var s in statuses.Where(s => s.State == JobState.Interrupted)) state.State.Nodes[s.NodeId] = s;
            await End(JobState.Interrupted, $"node {lost.NodeId}: {lost.Message}");
        }
        return JobStatusView.Status(Id, state.State, statuses);
    }

    public async Task<EtlJobStatus> Abort(string reason)
    {
        if (state.State.Request is null) throw new OaisException(OaisErrorCode.JobNotFound, $"job '{Id}' does not exist");
        if (state.State.State == JobState.Running) await End(JobState.Aborted, reason);
        return await Status();
    }

    public async Task NodeFinished(JobNodeStatus status)
    {
        if (state.State.Request is not { } request || !state.State.Nodes.ContainsKey(status.NodeId)) return;
        state.State.Nodes[status.NodeId] = status;
        if (state.State.State == JobState.Running && status.State == JobState.Failed && !request.ContinueOnError)
            await End(JobState.Failed, $"node {status.NodeId}: {status.Message}");
        else if (state.State.State == JobState.Running && state.State.Nodes.Values.All(s => s is not null))
            await End(state.State.Nodes.Values.Any(s => s!.State == JobState.Failed) ? JobState.Failed : JobState.Succeeded, null);
        else
            await state.WriteStateAsync();
    }

    /// <summary>The job's state on its stream, with the counters of the nodes that finished; never fails the job.</summary>
    private async Task PublishStateAsync()
    {
        var finished = state.State.Nodes.Values.OfType<JobNodeStatus>().ToList();
        try
        {
            await events.PublishAndWaitAsync(new JobEvent
            {
                Kind = JobEventKind.State, JobId = Id, State = state.State.State, Message = state.State.Reason,
                Objects = finished.Sum(n => n.Objects), BytesIn = finished.Sum(n => n.BytesIn), BytesOut = finished.Sum(n => n.BytesOut),
                Skipped = finished.Sum(n => n.Skipped), Errors = finished.Sum(n => n.ErrorCount),
                Time = state.State.Finished ?? state.State.Started,
            }).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not publish the state of job {Job}", Id);
        }
    }

    /// <summary>Ends the job; when ended early, every node still working is told to stop.</summary>
    private async Task End(JobState final, string? reason)
    {
        state.State.State = final;
        state.State.Reason = reason;
        state.State.Finished = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
        log.LogInformation("Job {Job} {State}: {Reason}", Id, final, reason);
        await PublishStateAsync();
        if (final is JobState.Failed or JobState.Aborted or JobState.Interrupted)
        {
            var unfinished = state.State.Nodes.Where(n => n.Value is null).Select(n => n.Key).ToList();
            await Task.WhenAll(unfinished.Select(async n =>
            {
                try { await GrainFactory.GetGrain<IJobNodeGrain>(n).Abort(Id, reason ?? final.ToString()); }
                catch (Exception e) { log.LogDebug(e, "Could not stop job {Job} on {Node}", Id, n); }
            }));
        }
    }
}
