using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAis.Cluster;
using OrleansAis.Etl;
using OrleansAis.Etl.DataPlane;
using OrleansAis.Events;
using OrleansAis.Grains;
using OrleansAis.Ownership;
using OrleansAis.Storage;

namespace OrleansAis.Jobs;

/// <summary>
/// Runs this node's share of offline jobs: the selected objects this node owns, <see cref="EtlJobRequest.NumWorkers"/>
/// at a time, each transformed by this node's transformer and delivered to its destination owner. First it counts the
/// share (objects and bytes, so the job's total is known before anything is transformed), then transforms it, and
/// reports the end (or the first error, unless continue_on_error) to the job grain. A resumed share (this node restarted)
/// and a re-walk (the owners changed) skip destinations already produced from the same source version.
/// </summary>
public sealed partial class NodeJobRunner(
    EtlDataPlane etls, NodeEtls nodeEtls, EtlCopier copier, LocalObjectStore store, ClusterMap cluster, IGrainFactory grains,
    EventPublisher events, TimeProvider time, IOptions<JobOptions> options, ILogger<NodeJobRunner> log)
{
    /// <summary>How often a node reports its progress on the job's stream while it works.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<string, NodeJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts walk <paramref name="round"/> of the job's share here, once: a repeated call for the same walk (a retry, or
    /// the job grain and this node's start both resuming it) is a no-op.
    /// </summary>
    /// <param name="counted">A resumed share's first count (kept by its <see cref="JobNodeGrain"/>): reported instead of a new count.</param>
    public void Start(string jobId, EtlJobRequest request, int round, bool resumed, (long Objects, long Bytes)? counted)
    {
        var job = new NodeJob(cluster.Local.NodeId, round, resumed, counted);
        lock (_jobs)
        {
            if (_jobs.TryGetValue(jobId, out var current) && current.Round >= round) return;
            _jobs[jobId] = job;
        }
        _ = Task.Run(() => RunAsync(jobId, request, job));
    }

    public JobNodeStatus? Status(string jobId)
    {
        lock (_jobs) return _jobs.TryGetValue(jobId, out var job) ? job.Snapshot() : null;
    }

    public void Abort(string jobId, string reason)
    {
        NodeJob? job;
        lock (_jobs) job = _jobs.GetValueOrDefault(jobId);
        job?.Abort(reason);
    }

    public async Task<long> CopyAsync(string etl, string srcBucket, string srcName, string dstBucket, string dstName, string? etlArgs)
    {
        Naming.Names.EnsureValidBucketName(dstBucket);
        Naming.Names.EnsureValidObjectName(dstName);
        if (await grains.GetGrain<IBucketRegistryGrain>(IBucketRegistryGrain.Key).Get(dstBucket) is null) throw OaisException.BucketNotFound(dstBucket);
        using var source = store.OpenRead(srcBucket, srcName) ?? throw OaisException.ObjectNotFound(srcBucket, srcName);
        var outcome = await copier.TransformToAsync(etl, source, etlArgs, dstBucket, dstName, CancellationToken.None);
        return outcome.Bytes;
    }

    private async Task RunAsync(string jobId, EtlJobRequest request, NodeJob job)
    {
        if (job.Resumed && !await StillRunningAsync(jobId, job))
        {
            lock (_jobs) if (_jobs.GetValueOrDefault(jobId) == job) _jobs.Remove(jobId);
            return;
        }
        using var stopProgress = new CancellationTokenSource();
        var progress = ReportProgressAsync(jobId, job, stopProgress.Token);
        try
        {
            var pipeline = request.EffectivePipeline;
            if (job.Resumed || job.Round > 0) await WaitUntilReadyAsync(request, job);
            else
            {
                for (var i = 0; i < pipeline.Count && request.Mode != JobMode.DryRun; i++)
                {
                    if (nodeEtls.Status(pipeline.Stages[i].Etl)?.Stage != EtlStage.Running)
                        throw new OaisException(OaisErrorCode.EtlNotRunning, $"{pipeline.Describe(i)} is not running on node {cluster.Local.NodeId}");
                }
            }
            // Objects of this node's that others held while it was away come back first (a restarted node, a re-walk).
            if (job.Resumed || job.Round > 0) await WaitForHandOversAsync(job.Cancellation);
            // A re-walk adds nothing to the total: the job's first walk counted every selected object once. A resumed
            // share keeps its first count, which is part of the total the job reported from the start.
            if (job.Round > 0) job.Counted((0, 0));
            else if (job.FirstCount is { } first) job.Counted(first);
            else
            {
                var total = await CountAsync(request, job.Cancellation);
                job.Counted(total);
                await KeepCountAsync(jobId, job.Round, total);
            }
            await Parallel.ForEachAsync(Select(request), new ParallelOptions { MaxDegreeOfParallelism = request.EffectiveWorkers(Environment.ProcessorCount), CancellationToken = job.Cancellation },
                async (entry, ct) =>
                {
                    try
                    {
                        await ProcessUntilDeliveredAsync(request, entry.Name, job, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        job.Error(entry.Name, e is OaisException ? e.Message : e.GetBaseException().Message);
                        if (!request.ContinueOnError) job.Fail($"object '{entry.Name}': {e.Message}");
                    }
                });
            job.Finish();
        }
        catch (OperationCanceledException) when (job.Cancellation.IsCancellationRequested)
        {
            job.Finish();
        }
        catch (Exception e)
        {
            job.Fail(e.Message);
            job.Finish();
        }
        stopProgress.Cancel();
        await progress;
        var status = job.Snapshot();
        LogShareEnded(jobId, status.NodeId, job.Round, status.State, status.Objects, status.Skipped, status.ErrorCount);
        try
        {
            // This node's last progress is on the stream before the job can end (and publish its final state).
            await events.PublishAndWaitAsync(ProgressEvent(jobId, status)).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e)
        {
            log.LogDebug(e, "Could not publish the end of job {Job} on this node", jobId);
        }
        try
        {
            await grains.GetGrain<IEtlJobGrain>(jobId).NodeFinished(status);
            await grains.GetGrain<IJobNodeGrain>(cluster.Local.NodeId).Forget(jobId, job.Round);
        }
        catch (Exception e)
        {
            // Kept: the next start of this node reports it again (a resumed walk that finds everything produced).
            log.LogWarning(e, "Could not report the end of job {Job} (its status stays queryable here)", jobId);
        }
    }

    /// <summary>Keeps the first count with the assignment; without it, a resumed share counts again (what it then holds).</summary>
    private async Task KeepCountAsync(string jobId, int round, (long Objects, long Bytes) total)
    {
        try
        {
            await grains.GetGrain<IJobNodeGrain>(cluster.Local.NodeId).Count(jobId, round, total.Objects, total.Bytes);
        }
        catch (Exception e)
        {
            log.LogDebug(e, "Could not keep the count of job {Job}", jobId);
        }
    }

    /// <summary>A share kept across a restart is resumed only while its job runs; one that ended meanwhile is forgotten.</summary>
    private async Task<bool> StillRunningAsync(string jobId, NodeJob job)
    {
        try
        {
            if (await grains.GetGrain<IEtlJobGrain>(jobId).State() == JobState.Running) return true;
            await grains.GetGrain<IJobNodeGrain>(cluster.Local.NodeId).Forget(jobId, job.Round);
            return false;
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not ask whether job {Job} still runs; resuming its share", jobId);
            return true;
        }
    }

    /// <summary>
    /// A restarted node resumes once its transformer runs again and it owns its share (it owns nothing while it is
    /// joining); a re-walk waits the same way. Past <see cref="JobOptions.ResumeTimeout"/> the share fails with the reason.
    /// </summary>
    private async Task WaitUntilReadyAsync(EtlJobRequest request, NodeJob job)
    {
        var deadline = time.GetUtcNow() + options.Value.ResumeTimeout;
        while (true)
        {
            var stopped = request.Mode == JobMode.DryRun ? null : nodeEtls.FirstNotRunning(request.EffectivePipeline);
            var etlRunning = stopped is null;
            var view = cluster.Current;
            var owner = view.Complete && view.Owners.Any(n => view.IsLocal(n.Node));
            if (etlRunning && owner) return;
            if (time.GetUtcNow() > deadline)
            {
                throw new OaisException(OaisErrorCode.EtlNotRunning, etlRunning
                    ? $"node {cluster.Local.NodeId} did not become an owner within {options.Value.ResumeTimeout}"
                    : $"ETL '{stopped}' did not run again on node {cluster.Local.NodeId} within {options.Value.ResumeTimeout}");
            }
            await Task.Delay(ReadyPoll, time, job.Cancellation);
        }
    }

    /// <summary>
    /// Before a re-walk: waits until no node has objects left to hand to their new owners, so every object is on the node
    /// that walks it. Past <see cref="JobOptions.ResumeTimeout"/> the walk goes ahead (and says so in the log).
    /// </summary>
    private async Task WaitForHandOversAsync(CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + options.Value.ResumeTimeout;
        while (time.GetUtcNow() < deadline)
        {
            var nodes = cluster.Current.ActiveNodes.ToList();
            var idle = await Task.WhenAll(nodes.Select(async n =>
            {
                try { return await grains.GetGrain<INodeStoreGrain>(n.NodeId).RebalanceIdle().WaitAsync(TimeSpan.FromSeconds(5), ct); }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested) { return false; }
            }));
            if (idle.All(i => i)) return;
            await Task.Delay(ReadyPoll, time, ct);
        }
        LogHandOversPending(options.Value.ResumeTimeout);
    }

    /// <summary>The share's objects and bytes, walked before any is transformed.</summary>
    private async Task<(long Objects, long Bytes)> CountAsync(EtlJobRequest request, CancellationToken ct)
    {
        long objects = 0, bytes = 0;
        foreach (var entry in Select(request))
        {
            ct.ThrowIfCancellationRequested();
            objects++;
            bytes += entry.Size ?? store.Head(request.SourceBucket, entry.Name)?.Size ?? 0;
            if (objects % 10_000 == 0) await Task.Yield(); // a long count does not hold a thread pool thread
        }
        return (objects, bytes);
    }

    private async Task ReportProgressAsync(string jobId, NodeJob job, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(ProgressInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) events.Publish(ProgressEvent(jobId, job.Snapshot()));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private JobEvent ProgressEvent(string jobId, JobNodeStatus status) => new()
    {
        Kind = JobEventKind.Progress, JobId = jobId, Node = status.NodeId, State = status.State, Objects = status.Objects,
        BytesIn = status.BytesIn, BytesOut = status.BytesOut, Skipped = status.Skipped, Errors = status.ErrorCount,
        Message = status.Message, Time = time.GetUtcNow(), TotalObjects = status.TotalObjects, TotalBytes = status.TotalBytes,
    };

    /// <summary>A selected source name, with its size when the listing gave it.</summary>
    private readonly record struct Selected(string Name, long? Size);

    /// <summary>
    /// The selected source names that this node owns, by the owners of the moment each is reached: a listed object held
    /// here for another owner (a mirror copy, or one on its way to a new owner) is that owner's to transform.
    /// </summary>
    private IEnumerable<Selected> Select(EtlJobRequest request)
    {
        if (request.Names is not null || request.Template is not null)
        {
            var names = request.Names ?? NameTemplate.Expand(request.Template!);
            return names.Where(n => cluster.OwnsLocally(request.SourceBucket, n)).Select(n => new Selected(n, null));
        }
        return LocalEntries(request.SourceBucket, request.Prefix).Where(e => cluster.OwnsLocally(request.SourceBucket, e.Name));
    }

    private IEnumerable<Selected> LocalEntries(string bucket, string prefix)
    {
        string? token = null;
        do
        {
            var page = store.List(bucket, new ListRequest { Prefix = prefix, ContinuationToken = token });
            foreach (var entry in page.Entries) yield return new Selected(entry.Name, entry.Size);
            token = page.ContinuationToken;
        } while (token is not null);
    }

    /// <summary>
    /// Processes one object, again while its result cannot be delivered because the destination's owner is down or
    /// unreachable (crashed, restarting): once membership notices, a stand-in owner takes the write. Other failures, and
    /// one that lasts past <see cref="JobOptions.ResumeTimeout"/>, are the object's error.
    /// </summary>
    private async Task ProcessUntilDeliveredAsync(EtlJobRequest request, string name, NodeJob job, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + options.Value.ResumeTimeout;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ProcessAsync(request, name, job, ct);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && OwnerUnavailable(e) && time.GetUtcNow() < deadline)
            {
                LogDeliveryRetry(name, attempt, e.GetBaseException().Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * attempt)), time, ct);
            }
        }
    }

    /// <summary>A failure to reach a node (the destination's owner, or the grain that heads it), not of the transform.</summary>
    private static bool OwnerUnavailable(Exception e) => e switch
    {
        OaisException o => o.Code == OaisErrorCode.Unavailable,
        HttpRequestException or SiloUnavailableException or TimeoutException => true,
        OrleansMessageRejectionException => true,
        _ => e.InnerException is { } inner && OwnerUnavailable(inner),
    };

    private async Task ProcessAsync(EtlJobRequest request, string name, NodeJob job, CancellationToken ct)
    {
        using var source = store.OpenRead(request.SourceBucket, name);
        if (source is null)
        {
            // Listed (or owned) a moment ago: it moved to a new owner, whose walk takes it, or it was deleted. A name the
            // user listed that this node still owns and does not have is missing.
            if ((request.Names is null && request.Template is null) || !cluster.OwnsLocally(request.SourceBucket, name))
                return;
            throw OaisException.ObjectNotFound(request.SourceBucket, name);
        }
        var watch = Stopwatch.StartNew();
        switch (request.Mode)
        {
            case JobMode.DryRun:
                job.Done(source.Meta.Size, 0);
                return;
            case JobMode.Inspect:
                var inspected = await etls.TransformAsync(request.EffectivePipeline,
                    new Etl.Communicators.TransformJob { Bucket = request.SourceBucket, Name = name, Source = source }, Stream.Null, ct);
                job.Done(source.Meta.Size, inspected.Bytes);
                return;
        }
        var dstName = request.DestinationName(name);
        // Resumed or re-walked, a share always skips what is already produced: that is how it picks up where it stopped.
        if ((request.Incremental || job.Resumed || job.Round > 0) && await AlreadyProducedAsync(request, source.Meta, dstName))
        {
            job.Skip();
            return;
        }
        var outcome = await copier.TransformToAsync(request.EffectivePipeline, source, request.DestinationBucket!, dstName, ct);
        job.Done(source.Meta.Size, outcome.Bytes);
        log.LogDebug("Job transformed {Source} -> {Destination} in {Ms} ms", name, dstName, watch.ElapsedMilliseconds);
    }

    private async Task<bool> AlreadyProducedAsync(EtlJobRequest request, ObjectMeta source, string dstName)
    {
        try
        {
            var existing = await grains.GetGrain<IObjectGrain>(ObjectKey.Format(request.DestinationBucket!, dstName)).Head();
            return existing.Custom.TryGetValue(EtlCopier.SourceMetadataKey, out var marker) &&
                   marker == EtlCopier.SourceMarker(request.EffectivePipeline, source);
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.ObjectNotFound)
        {
            return false;
        }
    }

    /// <summary>Counters and state of one job on this node.</summary>
    private sealed class NodeJob(string nodeId, int round, bool resumed, (long Objects, long Bytes)? firstCount)
    {
        private readonly CancellationTokenSource _cancel = new();
        private readonly Stopwatch _elapsed = Stopwatch.StartNew();
        private readonly ConcurrentQueue<JobObjectError> _errors = new();
        private long _objects, _bytesIn, _bytesOut, _skipped, _errorCount;
        private JobState _state = JobState.Running;
        private string? _message = resumed ? "resumed after a restart" : null;
        private long? _totalObjects, _totalBytes;

        public CancellationToken Cancellation => _cancel.Token;
        public int Round => round;
        public bool Resumed => resumed;
        public (long Objects, long Bytes)? FirstCount => firstCount;

        public void Counted((long Objects, long Bytes) total)
        {
            lock (_cancel) (_totalObjects, _totalBytes) = (total.Objects, total.Bytes);
        }

        public void Done(long bytesIn, long bytesOut)
        {
            Interlocked.Increment(ref _objects);
            Interlocked.Add(ref _bytesIn, bytesIn);
            Interlocked.Add(ref _bytesOut, bytesOut);
        }

        /// <summary>A destination already produced from the same source version. A re-walk does not count it: the walk before did.</summary>
        public void Skip()
        {
            if (round == 0) Interlocked.Increment(ref _skipped);
        }

        public void Error(string name, string message)
        {
            if (Interlocked.Increment(ref _errorCount) <= JobNodeStatus.MaxListedErrors) _errors.Enqueue(new JobObjectError { Name = name, Message = message });
        }

        /// <summary>The first failure wins; the remaining work on this node stops.</summary>
        public void Fail(string message)
        {
            lock (_cancel)
            {
                if (_state != JobState.Running) return;
                _state = JobState.Failed;
                _message = message;
            }
            _cancel.Cancel();
        }

        public void Abort(string reason)
        {
            lock (_cancel)
            {
                if (_state != JobState.Running) return;
                _state = JobState.Aborted;
                _message = reason;
            }
            _cancel.Cancel();
        }

        public void Finish()
        {
            lock (_cancel)
            {
                if (_state == JobState.Running) _state = JobState.Succeeded;
            }
            _elapsed.Stop();
        }

        public JobNodeStatus Snapshot()
        {
            lock (_cancel)
            {
                return new JobNodeStatus
                {
                    NodeId = nodeId, State = _state, Objects = Interlocked.Read(ref _objects), BytesIn = Interlocked.Read(ref _bytesIn),
                    BytesOut = Interlocked.Read(ref _bytesOut), Skipped = Interlocked.Read(ref _skipped),
                    ErrorCount = Interlocked.Read(ref _errorCount), Errors = _errors.ToList(), Elapsed = _elapsed.Elapsed, Message = _message,
                    TotalObjects = _totalObjects, TotalBytes = _totalBytes, Resumed = resumed ? 1 : 0, Round = round,
                };
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} on {Node} (walk {Round}): {State}, {Objects} objects, {Skipped} skipped, {Errors} errors")]
    private partial void LogShareEnded(string job, string node, int round, JobState state, long objects, long skipped, long errors);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job object {Name}: its destination's owner is unavailable (attempt {Attempt}: {Reason}); trying again")]
    private partial void LogDeliveryRetry(string name, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Objects were still being handed to new owners after {Timeout}; re-walking the share anyway")]
    private partial void LogHandOversPending(TimeSpan timeout);
}
