using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
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
/// at a time, each transformed by this node's transformer and delivered to its destination owner. Reports the end
/// (or the first error, unless continue_on_error) to the job grain.
/// </summary>
public sealed class NodeJobRunner(
    EtlDataPlane etls, NodeEtls nodeEtls, EtlCopier copier, LocalObjectStore store, ClusterMap cluster, IGrainFactory grains,
    EventPublisher events, TimeProvider time, ILogger<NodeJobRunner> log)
{
    /// <summary>How often a node reports its progress on the job's stream while it works.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, NodeJob> _jobs = new(StringComparer.Ordinal);

    public void Start(string jobId, EtlJobRequest request)
    {
        var job = new NodeJob(cluster.Local.NodeId);
        if (!_jobs.TryAdd(jobId, job)) return; // a repeated Run (retry) must not start the work twice
        _ = Task.Run(() => RunAsync(jobId, request, job));
    }

    public JobNodeStatus? Status(string jobId) => _jobs.TryGetValue(jobId, out var job) ? job.Snapshot() : null;

    public void Abort(string jobId, string reason)
    {
        if (_jobs.TryGetValue(jobId, out var job)) job.Abort(reason);
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
        using var stopProgress = new CancellationTokenSource();
        var progress = ReportProgressAsync(jobId, job, stopProgress.Token);
        try
        {
            var pipeline = request.EffectivePipeline;
            for (var i = 0; i < pipeline.Count && request.Mode != JobMode.DryRun; i++)
            {
                if (nodeEtls.Status(pipeline.Stages[i].Etl)?.Stage != EtlStage.Running)
                    throw new OaisException(OaisErrorCode.EtlNotRunning, $"{pipeline.Describe(i)} is not running on node {cluster.Local.NodeId}");
            }
            await Parallel.ForEachAsync(Select(request), new ParallelOptions { MaxDegreeOfParallelism = request.EffectiveWorkers(Environment.ProcessorCount), CancellationToken = job.Cancellation },
                async (name, ct) =>
                {
                    try
                    {
                        await ProcessAsync(request, name, job, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        job.Error(name, e is OaisException ? e.Message : e.GetBaseException().Message);
                        if (!request.ContinueOnError) job.Fail($"object '{name}': {e.Message}");
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
        log.LogInformation("Job {Job} on {Node}: {State}, {Objects} objects, {Errors} errors", jobId, status.NodeId, status.State, status.Objects, status.ErrorCount);
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
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not report the end of job {Job} (its status stays queryable here)", jobId);
        }
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
        Message = status.Message, Time = time.GetUtcNow(),
    };

    /// <summary>The selected source names that this node owns.</summary>
    private IEnumerable<string> Select(EtlJobRequest request)
    {
        if (request.Names is not null || request.Template is not null)
        {
            var names = request.Names ?? NameTemplate.Expand(request.Template!);
            var view = cluster.Current;
            return names.Where(n => view.IsLocal(view.OwnerOf(request.SourceBucket, n)));
        }
        return LocalNames(request.SourceBucket, request.Prefix);
    }

    private IEnumerable<string> LocalNames(string bucket, string prefix)
    {
        string? token = null;
        do
        {
            var page = store.List(bucket, new ListRequest { Prefix = prefix, ContinuationToken = token });
            foreach (var entry in page.Entries) yield return entry.Name;
            token = page.ContinuationToken;
        } while (token is not null);
    }

    private async Task ProcessAsync(EtlJobRequest request, string name, NodeJob job, CancellationToken ct)
    {
        using var source = store.OpenRead(request.SourceBucket, name) ?? throw OaisException.ObjectNotFound(request.SourceBucket, name);
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
        if (request.Incremental && await AlreadyProducedAsync(request, source.Meta, dstName))
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
    private sealed class NodeJob(string nodeId)
    {
        private readonly CancellationTokenSource _cancel = new();
        private readonly Stopwatch _elapsed = Stopwatch.StartNew();
        private readonly ConcurrentQueue<JobObjectError> _errors = new();
        private long _objects, _bytesIn, _bytesOut, _skipped, _errorCount;
        private JobState _state = JobState.Running;
        private string? _message;

        public CancellationToken Cancellation => _cancel.Token;

        public void Done(long bytesIn, long bytesOut)
        {
            Interlocked.Increment(ref _objects);
            Interlocked.Add(ref _bytesIn, bytesIn);
            Interlocked.Add(ref _bytesOut, bytesOut);
        }

        public void Skip() => Interlocked.Increment(ref _skipped);

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
                };
            }
        }
    }
}
