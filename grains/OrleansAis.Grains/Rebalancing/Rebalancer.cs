using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Mirroring;
using OrleansAis.Storage;

namespace OrleansAis.Rebalancing;

/// <summary>
/// Keeps this node's disks holding only what it owns. After every membership change (and when nudged, e.g. after a
/// write landed here while ownership was moving) it walks the local objects and has each misplaced one pulled by
/// its owner. Orleans never moves data by itself: placement only decides where new activations go.
/// Decommissioning drains the node: it announces that it is leaving (so every node stops counting it as an owner) and
/// hands all its objects to their next owners, so the node can then leave for good without losing anything.
/// </summary>
public sealed class Rebalancer(
    IClusterMembershipService membership, ClusterMap cluster, RebalanceRequests requests, LocalObjectStore store, Mirrors mirrors,
    IGrainFactory grains, ILocalSiloDetails localSilo, IHostApplicationLifetime lifetime, IOptions<RebalanceOptions> options,
    RebalanceMetrics metrics, ILogger<Rebalancer> log)
    : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    /// <summary>How long after a membership change objects may still sit on a former owner (every node's pass takes far less).</summary>
    private static readonly TimeSpan MoveWindow = TimeSpan.FromMinutes(10);
    private readonly SemaphoreSlim _passGate = new(1, 1); // one pass at a time: two would pull the same object twice
    private readonly RebalanceOptions _options = options.Value;
    private readonly Lock _drainLock = new();
    private Task? _announcing;
    private Task? _draining;
    private long _drainedObjects;
    private volatile NodeState _drainState = NodeState.Active;
    private volatile string? _drainError;

    private long _lastChange = Environment.TickCount64; // starting up counts as a change
    private int _passDue; // 1 from taking a request until its pass ended (the settling delay included)

    /// <summary>No pass is running, settling or asked for: whatever this node holds for other owners has been handed over.</summary>
    public bool Idle => !requests.Pending && Volatile.Read(ref _passDue) == 0 && _passGate.CurrentCount == 1;

    /// <summary>
    /// True while objects may still be on a node that no longer owns them, so a miss on the owner is worth looking
    /// for elsewhere; afterwards a miss is simply "not found" without asking every node.
    /// </summary>
    public bool MovesMayBePending => Environment.TickCount64 - Interlocked.Read(ref _lastChange) < MoveWindow.TotalMilliseconds;

    /// <summary>Asks for a pass soon (cheap; coalesces with pending requests).</summary>
    public void Nudge() => requests.Nudge();

    /// <summary>Another node announced that it is leaving: it owns nothing from now on, and its objects are on the move.</summary>
    public void OnNodeLeaving(string nodeId)
    {
        cluster.MarkLeaving(nodeId);
        Interlocked.Exchange(ref _lastChange, Environment.TickCount64);
    }

    /// <summary>A node finished joining and owns its share now: objects held here for it are on the move.</summary>
    public void OnOwnersChanged()
    {
        Interlocked.Exchange(ref _lastChange, Environment.TickCount64);
        Nudge();
    }

    /// <summary>Where this node's decommission stands.</summary>
    public (NodeState State, long Moved, string? Error) Drain => (_drainState, Interlocked.Read(ref _drainedObjects), _drainError);

    /// <summary>Starts draining this node in the background (once); with <paramref name="shutdown"/> the silo stops afterwards.</summary>
    public void StartDecommission(bool shutdown)
    {
        lock (_drainLock)
        {
            if (_draining is null) _drainState = NodeState.Draining; // visible to the caller at once
            _draining ??= Task.Run(async () =>
            {
                using var timeout = new CancellationTokenSource(_options.DrainTimeout);
                await DrainAsync(timeout.Token);
            });
        }
        if (shutdown) _ = _draining.ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Announce as early as the host starts stopping (before the HTTP server closes), so peers route around us sooner.
        if (_options.DrainOnShutdown) lifetime.ApplicationStopping.Register(() => _ = AnnounceLeavingAsync());
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Registered after the Orleans silo, so this runs while it still serves grain calls.
        if (_options.DrainOnShutdown) StartDecommission(shutdown: false);
        if (_draining is { } draining) await draining.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Hands every local object to its owner among the other nodes, pass after pass until none is left.</summary>
    private async Task DrainAsync(CancellationToken ct)
    {
        try
        {
            await DrainPassesAsync(ct);
            _drainState = NodeState.Drained;
        }
        catch (Exception e)
        {
            _drainError = e.Message;
            _drainState = NodeState.DrainFailed;
            log.LogError(e, "Drain did not finish; the objects left here are unavailable while this node is away");
        }
    }

    private async Task DrainPassesAsync(CancellationToken ct)
    {
        if (cluster.Current.Active.All(n => cluster.IsLocal(n.Node)))
            throw new InvalidOperationException("this is the only node: nobody can take its objects");
        await AnnounceLeavingAsync();
        while (true)
        {
            // The whole cluster is stopping (every node announced its leave): nobody is left to take the objects.
            if (cluster.Current is var view && view.Owners.All(n => view.Leaving.Contains(n.Node.NodeId)))
            {
                log.LogInformation("Every node is leaving; keeping the objects here");
                break;
            }
            var moved = await PassAsync(ct);
            if (moved is null)
            {
                await Task.Delay(Settle, ct); // some silo's metadata has not arrived yet
                continue;
            }
            Interlocked.Add(ref _drainedObjects, moved.Value);
            if (moved == 0) break; // a pass that found nothing: writes that raced with the previous pass are handed over too
        }
        // Idle object grains still here would keep drawing requests until the silo stops (and those in flight then are
        // lost); collected now, their next calls activate them on the new owners.
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection([localSilo.SiloAddress], TimeSpan.Zero);
        log.LogInformation("Drained {Count} objects to the remaining nodes", Interlocked.Read(ref _drainedObjects));
    }

    private Task AnnounceLeavingAsync()
    {
        lock (_drainLock)
        {
            return _announcing ??= AnnounceCoreAsync();
        }
    }

    private async Task AnnounceCoreAsync()
    {
        OnNodeLeaving(cluster.Local.NodeId);
        var peers = cluster.Current.Active.Where(n => !cluster.IsLocal(n.Node)).ToList();
        var calls = peers.Select(async n =>
        {
            try
            {
                await grains.GetGrain<INodeStoreGrain>(n.Node.NodeId).NodeLeaving(cluster.Local.NodeId);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Could not tell {Node} that this node is leaving", n.Node.NodeId);
            }
        });
        await Task.WhenAll(calls);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = WatchMembershipAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            await requests.WaitAsync(stoppingToken);
            Interlocked.Exchange(ref _passDue, 1);
            try
            {
                await Task.Delay(Settle, stoppingToken); // let membership and silo metadata settle, coalesce bursts
                if (await PassAsync(stoppingToken) is null) Nudge(); // view incomplete: try again
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Rebalance pass failed; retrying");
                Nudge();
            }
            finally
            {
                Interlocked.Exchange(ref _passDue, 0);
            }
        }
    }

    /// <summary>The bucket's copy count; 1 for data of a bucket that no longer exists (its cleanup removes it).</summary>
    private async Task<int> CopiesAsync(string bucket)
    {
        try
        {
            return await mirrors.CopiesAsync(bucket);
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.BucketNotFound)
        {
            return 1;
        }
    }

    private async Task WatchMembershipAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var update in membership.MembershipUpdates.WithCancellation(ct))
            {
                Interlocked.Exchange(ref _lastChange, Environment.TickCount64);
                if (cluster.LocalIsLeaving) _ = AnnounceCoreAsync(); // a node that joined since must not count us as an owner
                Nudge();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// One walk over local objects, moving each misplaced one to its owner. Returns how many moved, or null when the
    /// cluster view is not complete enough to decide ownership.
    /// </summary>
    private async Task<int?> PassAsync(CancellationToken ct)
    {
        await _passGate.WaitAsync(ct);
        metrics.PassStarted();
        try
        {
            if (!cluster.Current.Complete) return null; // some silo's metadata has not arrived yet

            var moved = 0;
            foreach (var bucket in store.LocalBuckets())
            {
                var copies = await CopiesAsync(bucket);
                string? token = null;
                do
                {
                    var page = store.List(bucket, new ListRequest { ContinuationToken = token });
                    var view = cluster.Current;
                    var joining = view.Joining.Contains(view.Local.NodeId);
                    await Parallel.ForEachAsync(page.Entries, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = ct },
                        async (entry, _) =>
                        {
                            // A joining node keeps what it may own once ready: its join reconciles those with the peers.
                            if (joining && view.HoldersWith(view.Local.NodeId, bucket, entry.Name, copies).Contains(view.Local.NodeId, StringComparer.Ordinal))
                                return;
                            var holders = view.HoldersOf(bucket, entry.Name, copies);
                            if (!holders.Any(view.IsLocal))
                            {
                                // Not ours to keep: the owner takes it (or just drops ours when it has it already).
                                try
                                {
                                    await grains.GetGrain<INodeStoreGrain>(holders[0].NodeId).Import(bucket, entry.Name, cluster.Local.NodeId);
                                }
                                catch (OaisException e) when (e.Code == OaisErrorCode.ObjectNotFound && store.Head(bucket, entry.Name) is null)
                                {
                                    // Gone from here meanwhile: a read on the owner pulled it (a hand-over all the same), or it was deleted.
                                }
                                Interlocked.Increment(ref moved);
                                metrics.Moved();
                            }
                            else if (copies > 1 && view.IsLocal(holders[0]) && store.Head(bucket, entry.Name) is { } meta)
                            {
                                await mirrors.EnsureMirrorsAsync(meta, holders); // a holder joined, or one was lost
                                metrics.Mirrored();
                            }
                        });
                    token = page.ContinuationToken;
                } while (token is not null);
            }
            if (moved > 0) log.LogInformation("Rebalance moved {Count} objects to their owners", moved);
            return moved;
        }
        finally
        {
            metrics.PassEnded();
            _passGate.Release();
        }
    }
}
