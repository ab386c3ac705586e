using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAis.Buckets;
using OrleansAis.Cluster;
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
    /// <summary>The nodes of the current walk, and the final report of each one that finished it.</summary>
    [Id(5)] public Dictionary<string, JobNodeStatus?> Nodes { get; set; } = [];
    /// <summary>The walk under way: 0 the first, one more for each re-walk after the owners changed.</summary>
    [Id(6)] public int Round { get; set; }
    /// <summary>The nodes that owned objects when the current walk began.</summary>
    [Id(7)] public HashSet<string> Owners { get; set; } = [];
    /// <summary>Per node, its reports of the earlier walks added up.</summary>
    [Id(8)] public Dictionary<string, JobNodeStatus> Earlier { get; set; } = [];
}

/// <summary>
/// One offline job: validates, fans the work out to every node, keeps the outcome in persistent state. A node that
/// restarts resumes its share (it keeps its assignment, <see cref="JobNodeGrain"/>); a node that is down is waited for
/// up to <see cref="JobOptions.NodeDownTimeout"/>, then the job is Interrupted. When every node finished and the owners
/// changed meanwhile (a node joined or left) or a node resumed after a restart, every owner re-walks its share, skipping
/// what is produced, until a walk ends with the owners it began with and no restart.
/// </summary>
public sealed partial class EtlJobGrain(
    [PersistentState("job", BucketRegistryGrain.StorageName)] IPersistentState<EtlJobState> state,
    EventPublisher events,
    JobStatusView view,
    ClusterMap cluster,
    IOptions<JobOptions> options,
    ILogger<EtlJobGrain> log) : Grain, IEtlJobGrain
{
    private readonly Dictionary<string, DateTimeOffset> _downSince = new(StringComparer.Ordinal);
    private IGrainTimer? _check;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken ct)
    {
        if (state.State is { Request: not null, State: JobState.Running }) StartChecking();
        return Task.CompletedTask;
    }

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
            Nodes = nodes.ToDictionary(n => n.NodeId, _ => (JobNodeStatus?)null), Owners = OwnerIds(),
        };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IJobIndexGrain>(IJobIndexGrain.Key).Add(Id);
        await PublishStateAsync(JobStatusView.Status(Id, state.State, [])); // before any node can report progress
        await Task.WhenAll(nodes.Select(n => GrainFactory.GetGrain<IJobNodeGrain>(n.NodeId).Run(Id, request, 0)));
        StartChecking();
        LogStarted(Id, request.Mode, request.SourceBucket, request.DestinationBucket, pipeline.Name, nodes.Count);
        return await Status();
    }

    public async Task<EtlJobStatus> Status()
    {
        if (state.State.Request is null) throw new OaisException(OaisErrorCode.JobNotFound, $"job '{Id}' does not exist");
        var statuses = await view.Nodes(Id, state.State);
        if (state.State.State == JobState.Running)
        {
            var round = state.State.Round;
            await ReviewAsync(statuses);
            if (state.State.State != JobState.Running || state.State.Round != round) statuses = await view.Nodes(Id, state.State);
        }
        return JobStatusView.Status(Id, state.State, statuses);
    }

    public Task<JobState> State() =>
        state.State.Request is null ? throw new OaisException(OaisErrorCode.JobNotFound, $"job '{Id}' does not exist") : Task.FromResult(state.State.State);

    public async Task<EtlJobStatus> Abort(string reason)
    {
        if (state.State.Request is null) throw new OaisException(OaisErrorCode.JobNotFound, $"job '{Id}' does not exist");
        if (state.State.State == JobState.Running) await End(JobState.Aborted, reason);
        return await Status();
    }

    public async Task NodeFinished(JobNodeStatus status)
    {
        // A report of an earlier walk (or from a node that is not part of this one) changes nothing.
        if (state.State.Request is not { } request || !state.State.Nodes.ContainsKey(status.NodeId) || status.Round != state.State.Round) return;
        state.State.Nodes[status.NodeId] = status;
        if (state.State.State == JobState.Running && status.State == JobState.Failed && !request.ContinueOnError)
            await End(JobState.Failed, $"node {status.NodeId}: {status.Message}");
        else if (state.State.State != JobState.Running || !await CompleteIfDoneAsync())
            await state.WriteStateAsync();
    }

    /// <summary>While the job runs: looks at its nodes now and then, so one that is back, left or stayed down is acted on.</summary>
    private void StartChecking() =>
        _check ??= this.RegisterGrainTimer(CheckAsync, new GrainTimerCreationOptions(options.Value.CheckInterval, options.Value.CheckInterval) { KeepAlive = true });

    private async Task CheckAsync(CancellationToken ct)
    {
        if (state.State.State != JobState.Running)
        {
            _check?.Dispose();
            _check = null;
            return;
        }
        await ReviewAsync(await view.Nodes(Id, state.State));
    }

    /// <summary>
    /// Acts on what the nodes say: a node that does not know the job is given its share again; one that left is done;
    /// one down past <see cref="JobOptions.NodeDownTimeout"/> interrupts the job.
    /// </summary>
    private async Task ReviewAsync(IReadOnlyList<JobNodeStatus> statuses)
    {
        var request = state.State.Request!;
        var now = DateTimeOffset.UtcNow;
        var changed = false;
        foreach (var node in state.State.Nodes.Where(n => n.Value is null).Select(n => n.Key).ToList())
        {
            var s = statuses.FirstOrDefault(x => x.NodeId == node);
            switch (s?.Message)
            {
                case JobStatusView.NotKnown:
                    _ = RunOnAsync(node, request, state.State.Round);
                    break;
                case JobStatusView.Departed:
                    state.State.Nodes[node] = new JobNodeStatus { NodeId = node, State = JobState.Succeeded, Message = JobStatusView.Departed, Round = state.State.Round };
                    changed = true;
                    break;
                case JobStatusView.Down:
                    var since = _downSince.TryGetValue(node, out var first) ? first : _downSince[node] = now;
                    if (now - since > options.Value.NodeDownTimeout)
                    {
                        state.State.Nodes[node] = new JobNodeStatus { NodeId = node, State = JobState.Interrupted, Message = $"down for more than {options.Value.NodeDownTimeout}", Round = state.State.Round };
                        await End(JobState.Interrupted, $"node {node} was down for more than {options.Value.NodeDownTimeout}");
                        return;
                    }
                    break;
                default:
                    _downSince.Remove(node);
                    break;
            }
        }
        // Also when nothing changed: a walk that ended while the cluster view was incomplete is judged now.
        if (!await CompleteIfDoneAsync() && changed) await state.WriteStateAsync();
    }

    /// <summary>
    /// Once every node finished the current walk: the job ends, unless the owners changed since the walk began; then
    /// every owner re-walks its share (skipping what is produced), so objects that changed owner are taken by the new one.
    /// Returns true when it wrote the state.
    /// </summary>
    private async Task<bool> CompleteIfDoneAsync()
    {
        if (state.State.State != JobState.Running || state.State.Nodes.Values.Any(s => s is null)) return false;
        var reports = state.State.Nodes.Values.Select(s => s!).ToList();
        if (reports.FirstOrDefault(s => s.State == JobState.Failed) is { } failed)
        {
            await End(JobState.Failed, $"node {failed.NodeId}: {failed.Message}");
            return true;
        }
        if (!cluster.Current.Complete) return false; // the timer looks again once every silo's metadata is in
        var owners = OwnerIds();
        // A node that restarted during the walk found its objects where a stand-in may have held them meanwhile: one
        // more walk, once they are back, takes any it missed.
        if (owners.SetEquals(state.State.Owners) && !reports.Any(r => r.Resumed > 0))
        {
            await End(JobState.Succeeded, null);
            return true;
        }
        foreach (var report in reports)
            state.State.Earlier[report.NodeId] = state.State.Earlier.TryGetValue(report.NodeId, out var earlier) ? earlier.Then(report) : report;
        state.State.Round++;
        state.State.Owners = owners;
        state.State.Nodes = owners.ToDictionary(n => n, _ => (JobNodeStatus?)null);
        await state.WriteStateAsync();
        LogRewalk(Id, state.State.Round, string.Join(", ", owners.Order(StringComparer.Ordinal)));
        foreach (var node in owners) _ = RunOnAsync(node, state.State.Request!, state.State.Round);
        return true;
    }

    private async Task RunOnAsync(string node, EtlJobRequest request, int round)
    {
        try
        {
            await GrainFactory.GetGrain<IJobNodeGrain>(node).Run(Id, request, round);
        }
        catch (Exception e)
        {
            // The next check finds the node without the job and asks again.
            log.LogDebug(e, "Could not give job {Job} to {Node}", Id, node);
        }
    }

    private HashSet<string> OwnerIds() => cluster.Current.Owners.Select(n => n.Node.NodeId).ToHashSet(StringComparer.Ordinal);

    /// <summary>The job's state on its stream, with the counters of the nodes that finished; never fails the job.</summary>
    private async Task PublishStateAsync(EtlJobStatus status)
    {
        var finished = status.Nodes.Where(n => n.State != JobState.Running).ToList();
        try
        {
            await events.PublishAndWaitAsync(new JobEvent
            {
                Kind = JobEventKind.State, JobId = Id, State = state.State.State, Message = state.State.Reason,
                Objects = finished.Sum(n => n.Objects), BytesIn = finished.Sum(n => n.BytesIn), BytesOut = finished.Sum(n => n.BytesOut),
                Skipped = finished.Sum(n => n.Skipped), Errors = finished.Sum(n => n.ErrorCount),
                Time = state.State.Finished ?? state.State.Started, TotalObjects = status.TotalObjects, TotalBytes = status.TotalBytes,
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
        LogEnded(Id, final, reason);
        await PublishStateAsync(JobStatusView.Status(Id, state.State, await view.Nodes(Id, state.State)));
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: {Mode} {Source} -> {Destination} through {Etl} on {Nodes} nodes")]
    private partial void LogStarted(string job, JobMode mode, string source, string? destination, string etl, int nodes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: the owners changed during the walk; walk {Round} re-walks every share on {Owners}")]
    private partial void LogRewalk(string job, int round, string owners);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} {State}: {Reason}")]
    private partial void LogEnded(string job, JobState state, string? reason);
}
