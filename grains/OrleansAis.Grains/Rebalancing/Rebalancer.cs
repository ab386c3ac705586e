using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Storage;

namespace OrleansAis.Rebalancing;

/// <summary>
/// Keeps this node's disks holding only what it owns. After every membership change (and when nudged, e.g. after a
/// write landed here while ownership was moving) it walks the local objects and has each misplaced one pulled by
/// its owner. Orleans never moves data by itself: placement only decides where new activations go.
/// </summary>
public sealed class Rebalancer(
    IClusterMembershipService membership, ClusterMap cluster, LocalObjectStore store, IGrainFactory grains, ILogger<Rebalancer> log)
    : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    /// <summary>How long after a membership change objects may still sit on a former owner (every node's pass takes far less).</summary>
    private static readonly TimeSpan MoveWindow = TimeSpan.FromMinutes(10);
    private const int Parallelism = 4;
    private readonly SemaphoreSlim _wake = new(0);

    private long _lastChange = Environment.TickCount64; // starting up counts as a change

    /// <summary>
    /// True while objects may still be on a node that no longer owns them, so a miss on the owner is worth looking
    /// for elsewhere; afterwards a miss is simply "not found" without asking every node.
    /// </summary>
    public bool MovesMayBePending => Environment.TickCount64 - Interlocked.Read(ref _lastChange) < MoveWindow.TotalMilliseconds;

    /// <summary>Asks for a pass soon (cheap; coalesces with pending requests).</summary>
    public void Nudge()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = WatchMembershipAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            await _wake.WaitAsync(stoppingToken);
            await Task.Delay(Settle, stoppingToken); // let membership and silo metadata settle, coalesce bursts
            try
            {
                if (!await PassAsync(stoppingToken)) Nudge(); // view incomplete: try again
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Rebalance pass failed; retrying");
                Nudge();
            }
        }
    }

    private async Task WatchMembershipAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(ct))
            {
                Interlocked.Exchange(ref _lastChange, Environment.TickCount64);
                Nudge();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One walk over local objects. False when the cluster view is not complete enough to decide ownership.</summary>
    private async Task<bool> PassAsync(CancellationToken ct)
    {
        var active = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var nodes = cluster.ActiveNodes();
        if (nodes.Count != active) return false; // some silo's metadata has not arrived yet

        var moved = 0;
        foreach (var bucket in store.LocalBuckets())
        {
            string? token = null;
            do
            {
                var page = store.List(bucket, new ListRequest { ContinuationToken = token });
                var misplaced = page.Entries
                    .Select(e => (e.Name, Owner: cluster.OwnerOf(bucket, e.Name)))
                    .Where(x => !cluster.IsLocal(x.Owner))
                    .ToList();
                await Parallel.ForEachAsync(misplaced, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
                    async (x, _) =>
                    {
                        await grains.GetGrain<INodeStoreGrain>(x.Owner.NodeId).Import(bucket, x.Name, cluster.Local.NodeId);
                        Interlocked.Increment(ref moved);
                    });
                token = page.ContinuationToken;
            } while (token is not null);
        }
        if (moved > 0) log.LogInformation("Rebalance moved {Count} objects to their owners", moved);
        return true;
    }
}
