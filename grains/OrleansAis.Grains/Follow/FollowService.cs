using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAis.Cluster;
using OrleansAis.Consistency;
using OrleansAis.Etl;
using OrleansAis.Storage;

namespace OrleansAis.Follow;

/// <summary>
/// This node's side of the transform-on-write rules: workers that drain <see cref="FollowQueue"/> (fed by the write
/// hooks right after each commit), and the reconcile pass, which walks this node's share of every rule's source and
/// destination and fixes what the write path missed: missing and stale outputs (their source marker is not the
/// source's current version) and orphans (their source is gone). The pass runs when the node has joined (so after a
/// restart), when the rules change, after membership changes, after failures, when the queue overflowed, and every
/// <see cref="FollowOptions.ReconcileInterval"/>.
/// </summary>
public sealed partial class FollowService(
    FollowRules rules, FollowQueue queue, FollowSync sync, FollowMetrics metrics, LocalObjectStore store, ClusterMap cluster,
    Reconciler reconciler, NodeEtls etls, IGrainFactory grains, IClusterMembershipService membership, IHostApplicationLifetime lifetime,
    IOptions<FollowOptions> options, TimeProvider time, ILogger<FollowService> log) : BackgroundService
{
    private const int ReconcileParallelism = 8;
    private readonly FollowOptions _options = options.Value;
    private readonly Channel<bool> _passRequests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _retryScheduled;

    public IReadOnlyList<FollowNodeStatus> Status() =>
        rules.All.Select(r => queue.Status(r.Id, cluster.Local.NodeId)).ToList();

    /// <summary>The registry's push: new rules are caught up (and changed ones re-checked) by a pass right away.</summary>
    public void OnRulesChanged(IReadOnlyList<FollowRule> changed)
    {
        if (!rules.Set(changed)) return;
        queue.Retain(changed.Select(r => r.Id));
        RequestPass();
    }

    public void RequestPass() => _passRequests.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = metrics; // its instruments observe the queue from now on
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        var workers = Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)).ToList();
        var watching = WatchMembershipAsync(stoppingToken);
        try
        {
            await ReconcileLoopAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(workers.Append(watching)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var work in queue.ReadAllAsync(ct))
            {
                var fromWrite = queue.Start(work);
                try
                {
                    if (rules.Get(work.RuleId) is not { } rule) continue; // removed meanwhile
                    var outcome = await sync.SyncAsync(rule, work.Name, fromWrite, ct);
                    if (outcome == FollowOutcome.Transformed) queue.CountersOf(rule.Id).Transformed();
                    else if (outcome == FollowOutcome.DeletedDerived) queue.CountersOf(rule.Id).DeletedDerived();
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    queue.CountersOf(work.RuleId).Failure(work.Name, e is OaisException ? e.Message : e.GetBaseException().Message);
                    LogTransformFailed(e, work.RuleId, work.Name);
                    ScheduleRetry();
                }
                finally
                {
                    queue.Finish(work);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ReconcileLoopAsync(CancellationToken ct)
    {
        RequestPass(); // the first pass catches up what happened while this node was away
        var lastPass = DateTimeOffset.MinValue;
        while (!ct.IsCancellationRequested)
        {
            // Woken by a request, or at the retry period to notice an overflow and the interval's end.
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                wait.CancelAfter(_options.RetryDelay);
                try { await _passRequests.Reader.WaitToReadAsync(wait.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
            }
            var requested = _passRequests.Reader.TryRead(out _);
            if (!requested && !queue.TakeOverflow() && time.GetUtcNow() - lastPass < _options.ReconcileInterval) continue;
            if (!reconciler.Reconciled || !cluster.LocalIsReady || !cluster.Current.Complete)
            {
                ScheduleRetry(); // this node does not own its share yet (joining, or the view is incomplete)
                continue;
            }
            await LoadRulesAsync();
            lastPass = time.GetUtcNow();
            foreach (var rule in rules.All)
            {
                if (etls.FirstNotRunning(rule.Pipeline) is not null)
                {
                    ScheduleRetry(); // e.g. its transformer is still starting after a restart
                    continue;
                }
                try
                {
                    await ReconcileAsync(rule, ct);
                    queue.CountersOf(rule.Id).Reconciled(time.GetUtcNow());
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogPassFailed(e, rule.Id);
                    ScheduleRetry();
                }
            }
        }
    }

    /// <summary>
    /// Queues every source this node owns whose output is missing or stale, and deletes every output this node owns
    /// whose source is gone. An object the cluster cannot answer for right now (a node is down) is left for a later pass.
    /// </summary>
    private async Task ReconcileAsync(FollowRule rule, CancellationToken ct)
    {
        int queued = 0, deleted = 0;
        await ForEachLocalAsync(rule.Source, async (meta, token) =>
        {
            if (!await sync.NeedsTransformAsync(rule, meta)) return;
            while (queue.Count >= _options.QueueCapacity / 2 + 1) await Task.Delay(TimeSpan.FromMilliseconds(50), token); // leave room for writes
            if (queue.Add(new FollowWork(rule.Id, meta.Name), fromWrite: false)) Interlocked.Increment(ref queued);
        }, ct);
        await ForEachLocalAsync(rule.Destination, async (meta, _) =>
        {
            if (!await sync.DeleteIfOrphanAsync(rule, meta)) return;
            Interlocked.Increment(ref deleted);
            queue.CountersOf(rule.Id).DeletedDerived();
        }, ct);
        if (queued + deleted > 0) LogPassFixed(rule.Id, queued, deleted);
    }

    /// <summary>Runs <paramref name="action"/> on every object of the bucket on this disk that this node owns.</summary>
    private async Task ForEachLocalAsync(string bucket, Func<ObjectMeta, CancellationToken, Task> action, CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = store.List(bucket, new ListRequest { ContinuationToken = token, PageSize = ListRequest.MaxPageSize });
            await Parallel.ForEachAsync(page.Entries, new ParallelOptions { MaxDegreeOfParallelism = ReconcileParallelism, CancellationToken = ct },
                async (entry, t) =>
                {
                    if (!cluster.OwnsLocally(bucket, entry.Name) || store.Head(bucket, entry.Name) is not { } meta) return;
                    try
                    {
                        await action(meta, t);
                    }
                    catch (Exception e) when (!t.IsCancellationRequested)
                    {
                        // A node that may hold it is down or slow, or it went away meanwhile: the next pass looks again.
                        LogObjectSkipped(e, bucket, entry.Name);
                        ScheduleRetry();
                    }
                });
            token = page.ContinuationToken;
        } while (token is not null);
    }

    /// <summary>The registry's rules replace this node's copy; when it cannot be reached the copy stays.</summary>
    private async Task LoadRulesAsync()
    {
        try
        {
            var loaded = await grains.GetGrain<IFollowRegistryGrain>(IFollowRegistryGrain.Key).List(null).WaitAsync(TimeSpan.FromSeconds(10));
            if (rules.Set(loaded)) queue.Retain(loaded.Select(r => r.Id));
        }
        catch (Exception e)
        {
            LogRulesNotLoaded(e);
        }
    }

    private void ScheduleRetry()
    {
        if (Interlocked.Exchange(ref _retryScheduled, 1) == 1) return;
        _ = Task.Delay(_options.RetryDelay, time).ContinueWith(_ =>
        {
            Interlocked.Exchange(ref _retryScheduled, 0);
            RequestPass();
        }, TaskScheduler.Default);
    }

    private async Task WatchMembershipAsync(CancellationToken ct)
    {
        try
        {
            // Objects that changed owner arrive by rebalancing, which no write hook sees: the new owner checks them.
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(ct)) ScheduleRetry();
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transform rule {Rule}: {Object} failed; a reconcile pass retries it")]
    private partial void LogTransformFailed(Exception e, string rule, string @object);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile pass of transform rule {Rule} failed; retrying")]
    private partial void LogPassFailed(Exception e, string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconcile pass of transform rule {Rule}: {Queued} outputs missing or stale, {Deleted} orphans deleted")]
    private partial void LogPassFixed(string rule, int queued, int deleted);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconcile pass skipped {Bucket}/{Object} for now")]
    private partial void LogObjectSkipped(Exception e, string bucket, string @object);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not load the transform rules; keeping this node's copy")]
    private partial void LogRulesNotLoaded(Exception e);
}
