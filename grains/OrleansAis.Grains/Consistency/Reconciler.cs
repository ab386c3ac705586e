using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Rebalancing;
using OrleansAis.Storage;

namespace OrleansAis.Consistency;

/// <summary>
/// Read-your-writes across restarts. While a node was down, other nodes stood in for it and took writes of its share;
/// its own disks still hold the older versions. So a starting node is <em>joining</em>: every snapshot (its own and its
/// peers') leaves it out of the owners, and it serves nothing of its share, until it has
/// <list type="number">
/// <item>learnt which peers are ready (before the HTTP server starts, so its own routing never points at itself);</item>
/// <item>pulled every copy a peer holds for its share that is newer than its own (last writer wins, by modification time);</item>
/// <item>told every peer it is ready (each stops standing in before it answers);</item>
/// <item>pulled again what the peers took before they heard (meanwhile, reads of its share first look for a newer copy).</item>
/// </list>
/// A write that a peer commits after it heard lands off its owner and is handed over before it is acknowledged
/// (<see cref="OffOwnerWrites"/>). Readiness belongs to one incarnation (silo address), so a restart starts over.
/// </summary>
public sealed partial class Reconciler(
    IClusterMembershipService membership, ClusterMap cluster, LocalObjectStore store, ObjectMover mover, IGrainFactory grains,
    ILocalSiloDetails localSilo, IHostApplicationLifetime lifetime, IOptions<ConsistencyOptions> options, ILogger<Reconciler> log)
    : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);
    private readonly TimeSpan _callTimeout = options.Value.PeerCallTimeout;
    private volatile bool _reconciled;
    // Peers that may hold writes of this node's share it has not pulled yet (they stood in while it was away). One that
    // goes down before handing them over stays here until it is back: meanwhile this node's reads answer 503 naming it.
    private System.Collections.Immutable.ImmutableHashSet<string> _owed = System.Collections.Immutable.ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    /// <summary>False until the last pull after this node announced it is ready: reads of its share check the peers first.</summary>
    public bool Reconciled => _reconciled;

    /// <summary>Runs after the Orleans silo started and before the HTTP server starts: learns which peers are ready.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_callTimeout * 2);
        try
        {
            while (!cluster.Current.Complete) await Task.Delay(TimeSpan.FromMilliseconds(100), bounded.Token);
            await LearnReadyPeersAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogPeersUnknown(log);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Ready means serving HTTP too: nobody is sent here (307) before the server listens.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        // A node that joins later learns from us that we serve (we may be the only ones who know); runs from now on,
        // also while the join below waits for a stand-in that went down.
        var announcing = AnnounceOnMembershipChangesAsync(stoppingToken);
        while (true)
        {
            try
            {
                await JoinAsync(stoppingToken);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogJoinRetry(log, e);
                await Task.Delay(Retry, stoppingToken);
            }
        }
        await announcing;
    }

    private async Task AnnounceOnMembershipChangesAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var update in membership.MembershipUpdates.WithCancellation(ct))
            {
                if (cluster.LocalIsReady) _ = AnnounceAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task JoinAsync(CancellationToken ct)
    {
        while (!cluster.Current.Complete) await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        _owed = _owed.Union(Peers().Select(p => p.NodeId));
        await LearnReadyPeersAsync(ct);
        var before = 0;
        foreach (var peer in Peers()) before += await PullNewerAsync(peer, ct);
        // Every peer that may have stood in is owed, also one that started while this node pulled.
        _owed = _owed.Union(Peers().Select(p => p.NodeId));
        LogAnnouncing(log, before, string.Join(", ", _owed.Order(StringComparer.Ordinal)));
        // Peers first, then this node: until every live peer has stopped standing in (it answered, or membership
        // declared it dead), a write taken here could be followed by a read served from a peer's older copy.
        cluster.MarkAnnouncing();
        await AnnounceAsync(ct);
        // A peer that became ready meanwhile owns part of what this node would otherwise own: learn it first.
        await LearnReadyPeersAsync(ct);
        _owed = _owed.Union(Peers().Select(p => p.NodeId));
        cluster.MarkReady(localSilo.SiloAddress);
        LogReady(log);
        await AnnounceAsync(ct); // a peer that started while this node announced, and asked too early, learns it now
        var after = 0;
        while (true)
        {
            var active = Peers().ToDictionary(p => p.NodeId, StringComparer.Ordinal);
            foreach (var owed in _owed)
            {
                if (cluster.Departed.Contains(owed))
                {
                    _owed = _owed.Remove(owed); // decommissioned: it handed everything to the owners before it went
                    continue;
                }
                if (!active.TryGetValue(owed, out var peer)) continue; // down: it hands over once it is back
                try
                {
                    after += await PullNewerAsync(peer, ct);
                    _owed = _owed.Remove(owed);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    LogPullRetry(log, owed, e.Message);
                }
            }
            if (_owed.IsEmpty) break;
            await Task.Delay(Retry, ct);
        }
        _reconciled = true;
        LogReconciled(log, before, after);
    }

    /// <summary>Before reconciling, reads of this node's share are made current first: the newest copy any peer has wins.</summary>
    public async ValueTask RefreshAsync(string bucket, string name)
    {
        if (_reconciled) return;
        var active = Peers().ToList();
        if (_owed.FirstOrDefault(owed => active.All(p => p.NodeId != owed)) is { } gone)
            throw new OaisException(OaisErrorCode.Unavailable,
                $"'{bucket}/{name}' may have a newer version on node {gone}, which stood in for node {cluster.Local.NodeId} and is down; retry when it is back");
        foreach (var peer in active)
        {
            try
            {
                var node = grains.GetGrain<INodeStoreGrain>(peer.NodeId);
                var remote = await Call(node.Find(bucket, name), CancellationToken.None);
                if (remote is not null && (store.Head(bucket, name) is not { } local || remote.Modified > local.Modified))
                    await mover.CopyAsync(bucket, name, peer.NodeId);
                else if (remote is null && store.Head(bucket, name) is not null
                         && await Call(node.DeletedAt(bucket, name), CancellationToken.None) is { } deleted)
                    await store.ApplyDeleteAsync(new Tombstone(bucket, name, deleted)); // deleted there while this node was away
            }
            catch (Exception e) when (e is not OaisException)
            {
                throw new OaisException(OaisErrorCode.Unavailable,
                    $"node {cluster.Local.NodeId} is finishing its rejoin and could not ask node {peer.NodeId} for a newer '{bucket}/{name}'; retry shortly");
            }
        }
    }

    private IEnumerable<NodeInfo> Peers() => cluster.Current.ActiveNodes.Where(n => !cluster.IsLocal(n));

    private async Task LearnReadyPeersAsync(CancellationToken ct)
    {
        var view = cluster.Current;
        await Task.WhenAll(view.Active.Where(n => !view.IsLocal(n.Node)).Select(async peer =>
        {
            try
            {
                var store = grains.GetGrain<INodeStoreGrain>(peer.Node.NodeId);
                if (await Call(store.IsReady(), ct)) cluster.MarkReady(peer.Silo);
                cluster.MarkDeparted(await Call(store.Departed(), ct));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Still starting, or gone: it stays joining in this view until it announces itself.
                LogPeerNotAsked(log, peer.Node.NodeId, e.Message);
            }
        }));
    }

    /// <summary>
    /// Tells every peer this node is ready; returns once each has answered (it stopped standing in before it did) or is
    /// no longer a member with the same incarnation.
    /// </summary>
    private async Task AnnounceAsync(CancellationToken ct)
    {
        var self = localSilo.SiloAddress.ToParsableString();
        await Task.WhenAll(Peers().Select(async peer =>
        {
            while (true)
            {
                try
                {
                    await Call(grains.GetGrain<INodeStoreGrain>(peer.NodeId).NodeReady(self), ct);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    if (cluster.Current.Node(peer.NodeId)?.SiloAddress != peer.SiloAddress) return; // gone (or restarted: it asks us itself)
                    LogAnnounceRetry(log, peer.NodeId, e.Message);
                    await Task.Delay(Retry, ct);
                }
            }
        }));
    }

    /// <summary>Takes every copy of this node's share on <paramref name="peer"/> that is newer than the local one; returns how many.</summary>
    private async Task<int> PullNewerAsync(NodeInfo peer, CancellationToken ct)
    {
        var pulled = 0;
        var node = grains.GetGrain<INodeStoreGrain>(peer.NodeId);
        // Deletes first: a copy here older than a delete made there while this node was away must not be served.
        foreach (var delete in await Call(node.DeletedFor(cluster.Local.NodeId), ct))
        {
            if (await store.ApplyDeleteAsync(delete, ct)) pulled++;
        }
        string? bucket = null, token = null;
        do
        {
            var page = await Call(node.HeldFor(cluster.Local.NodeId, bucket, token), ct);
            foreach (var held in page.Objects)
            {
                if (held.PeerHolds || !cluster.LocalIsReady)
                {
                    // Before the announcement the peer still owns (and writes) these; a mirror copy it keeps for good.
                    // Either way: take its content when newer, and leave the peer's copy.
                    if (store.Head(held.Bucket, held.Name) is { } local && local.Modified >= held.Modified) continue;
                    if (await mover.CopyAsync(held.Bucket, held.Name, peer.NodeId, ct) is not null) pulled++;
                }
                else
                {
                    // What the peer took while standing in: move it here (the newer copy wins) and remove it there,
                    // so no stale leftover is served if the peer stands in again later.
                    var before = store.Head(held.Bucket, held.Name);
                    var after = await mover.PullAsync(held.Bucket, held.Name, peer.NodeId, ct);
                    if (after is not null && after.Modified != before?.Modified) pulled++;
                }
            }
            (bucket, token) = (page.NextBucket, page.NextToken);
        } while (bucket is not null);
        return pulled;
    }

    private async Task<T> Call<T>(Task<T> call, CancellationToken ct) => await call.WaitAsync(_callTimeout, ct);

    private async Task Call(Task call, CancellationToken ct) => await call.WaitAsync(_callTimeout, ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled with the nodes that stood in: pulled {Before} newer copies before announcing, {After} after; serving")]
    private static partial void LogReconciled(ILogger log, int before, int after);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulled {Before} newer copies of this node's share; telling the peers it is ready (owed: {Owed})")]
    private static partial void LogAnnouncing(ILogger log, int before, string owed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every live peer stopped standing in: this node owns its share")]
    private static partial void LogReady(ILogger log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not take this node's share back from {Node} yet ({Error}); retrying")]
    private static partial void LogPullRetry(ILogger log, string node, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Joining did not finish; retrying")]
    private static partial void LogJoinRetry(ILogger log, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell {Node} that this node is ready: {Error}; retrying")]
    private static partial void LogAnnounceRetry(ILogger log, string node, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not ask {Node} whether it is ready ({Error}); it counts as joining until it says so")]
    private static partial void LogPeerNotAsked(ILogger log, string node, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not learn which peers are ready before serving; the first snapshot may count none")]
    private static partial void LogPeersUnknown(ILogger log);
}
