using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansAis.Ownership;

namespace OrleansAis.Cluster;

/// <summary>
/// This silo's current <see cref="ClusterSnapshot"/>: placement, HTTP routing, jobs, rebalancing and mirroring all read
/// ownership from it. Reading is a version check; the snapshot is rebuilt only when Orleans membership moved on, a
/// leave or a node's readiness was announced, or the last one was built before every silo's metadata had arrived.
/// </summary>
public sealed class ClusterMap(IClusterMembershipService membership, ISiloMetadataCache metadata, ILocalSiloDetails localSilo,
    IOptions<NodeOptions> node)
{
    private readonly Lock _rebuild = new();
    private ImmutableHashSet<string> _leaving = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private ImmutableHashSet<string> _departed = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private ImmutableHashSet<SiloAddress> _ready = [];
    private readonly Dictionary<SiloAddress, string> _nodeIds = []; // every incarnation seen, so a dead one is still named
    private readonly Dictionary<SiloAddress, DateTimeOffset> _readyAt = []; // when this node heard each incarnation was ready
    private long _leavingVersion; // grows with every leave or readiness mark
    private Built? _current;

    public NodeInfo Local { get; } = new()
    {
        NodeId = node.Value.RequiredId,
        SiloAddress = localSilo.SiloAddress.ToParsableString(),
        HttpUrl = node.Value.HttpUrl ?? "",
    };

    public ClusterSnapshot Current
    {
        get
        {
            var current = Volatile.Read(ref _current);
            if (current is { } c && c.Snapshot.Complete && c.LeavingVersion == Interlocked.Read(ref _leavingVersion)
                && c.Snapshot.MembershipVersion == membership.CurrentSnapshot.Version)
                return c.Snapshot;
            return Rebuild();
        }
    }

    public bool IsLocal(NodeInfo node) => node.NodeId == Local.NodeId;

    /// <summary>True when this node owns the object in the current snapshot.</summary>
    public bool OwnsLocally(string bucket, string name) => IsLocal(Current.OwnerOf(bucket, name));

    /// <summary>True once this incarnation of the local silo has reconciled and announced that it serves its share.</summary>
    public bool LocalIsReady => _ready.Contains(localSilo.SiloAddress);

    /// <summary>
    /// True while this node has told its peers it serves its share but has not counted itself an owner yet: peers that
    /// heard send it its share while its own snapshot still names the stand-ins (see <see cref="ServesWhileAnnouncing"/>).
    /// </summary>
    public bool LocalIsAnnouncing => _announcing && !LocalIsReady;
    private volatile bool _announcing;

    /// <summary>This node starts telling its peers it serves its share (<see cref="LocalIsAnnouncing"/>).</summary>
    public void MarkAnnouncing() => _announcing = true;

    /// <summary>
    /// A read of an object this node is about to own, while it announces: served here (reads refresh from the peers
    /// first), not redirected to the stand-in, which may already have heard and redirect it back (a 307 loop).
    /// </summary>
    public bool ServesWhileAnnouncing(string bucket, string name) =>
        LocalIsAnnouncing && Current.HoldersWith(Local.NodeId, bucket, name, 1)[0] == Local.NodeId;

    /// <summary>
    /// The silo (this incarnation of a node) has reconciled with the nodes that stood in for it and serves HTTP: from
    /// the next snapshot on it owns its share. A restart is a new incarnation, so it is joining again until it says so.
    /// </summary>
    public void MarkReady(SiloAddress silo)
    {
        lock (_rebuild)
        {
            if (_ready.Contains(silo)) return;
            _ready = _ready.Add(silo);
            _readyAt[silo] = DateTimeOffset.UtcNow;
            Interlocked.Increment(ref _leavingVersion);
        }
    }

    /// <summary>
    /// A down node that may hold a newer version of an object than <paramref name="local"/>, this node's copy: one that
    /// ranks before this node among the object's holders (over the owners and the down nodes) and that this node saw
    /// become an owner after the copy was written. The copy is then a leftover of standing in (a rejoining node copies
    /// before it owns and moves afterwards; killed in between, it may have taken newer writes), not proof of the latest
    /// version. Null when this node is a holder (every acknowledged write reached it, as owner or mirror) or no such
    /// node is down. A node whose readiness this process never saw (it was down when this one started) is not counted.
    /// </summary>
    public string? NewerMayBeOn(ObjectMeta local, int copies)
    {
        var view = Current;
        if (view.Down.Count == 0) return null;
        var holders = Rendezvous.Ranked(ObjectKey.Format(local.Bucket, local.Name), view.Owners.Select(n => n.Node.NodeId).Concat(view.Down), id => id)
            .Take(copies).ToList();
        if (holders.Contains(Local.NodeId)) return null;
        lock (_rebuild)
        {
            return holders.Where(view.Down.Contains).FirstOrDefault(down => _readyAt
                .Where(r => (_nodeIds.TryGetValue(r.Key, out var id) ? id : NameOf(r.Key)) == down)
                .Any(r => r.Value > local.Modified));
        }
    }

    private string? NameOf(SiloAddress silo) => membership.CurrentSnapshot.Members.TryGetValue(silo, out var member) ? member.Name : null;

    /// <summary>Nodes that left gracefully and are gone: not down.</summary>
    public IReadOnlyList<string> Departed => [.. _departed];

    /// <summary>
    /// Nodes another node saw leave gracefully, learnt when this one starts: without this, a node decommissioned before
    /// this process started would count as down (its membership row remains).
    /// </summary>
    public void MarkDeparted(IEnumerable<string> nodeIds)
    {
        var active = Current.ActiveNodes.Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
        lock (_rebuild)
        {
            var departed = _departed.Union(nodeIds.Where(id => !active.Contains(id)));
            if (departed.SetEquals(_departed)) return;
            _departed = departed;
            Interlocked.Increment(ref _leavingVersion);
        }
    }

    /// <summary>True once this node announced its leave (whether or not the current snapshot lists it yet).</summary>
    public bool LocalIsLeaving => _leaving.Contains(Local.NodeId);

    /// <summary>
    /// A node announced a graceful leave: from the next snapshot on it owns nothing. The mark ends with the node's
    /// membership, so a node that comes back owns its share again.
    /// </summary>
    public void MarkLeaving(string nodeId)
    {
        lock (_rebuild)
        {
            _leaving = _leaving.Add(nodeId);
            Interlocked.Increment(ref _leavingVersion);
        }
    }

    private ClusterSnapshot Rebuild()
    {
        lock (_rebuild)
        {
            var members = membership.CurrentSnapshot;
            var leavingVersion = Interlocked.Read(ref _leavingVersion);
            var version = (_current?.Snapshot.Version ?? 0) + 1;
            var active = members.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
            foreach (var silo in active)
            {
                if (!_nodeIds.ContainsKey(silo) && ClusterSnapshot.Describe(silo, metadata) is { } described) _nodeIds[silo] = described.NodeId;
            }
            // Every member, dead or alive, by node id: the silo name is the node id (see AddOrleansAis), so this works
            // for incarnations that died before this process started too.
            var everyNode = members.Members.Values
                .Select(m => _nodeIds.TryGetValue(m.SiloAddress, out var id) ? id : m.Name)
                .Where(id => !string.IsNullOrEmpty(id)).ToList();
            var snapshot = ClusterSnapshot.Build(version, members.Version, Local, active, metadata, _leaving, _ready, everyNode, _departed);
            if (snapshot.Complete)
            {
                var activeIds = snapshot.ActiveNodes.Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
                // A node that announced its leave and then went handed everything over: gone, not down. One that is
                // back is an ordinary member again (down if it dies without leaving).
                var departed = _departed.Union(_leaving.Where(id => !activeIds.Contains(id))).Except(activeIds);
                if (!departed.SetEquals(_departed))
                {
                    _departed = departed;
                    snapshot = ClusterSnapshot.Build(version, members.Version, Local, active, metadata, _leaving, _ready, everyNode, _departed);
                }
                // Forget marks of nodes that are gone, but only from a complete view: a node whose metadata is late is still a member.
                if (snapshot.Leaving.Count != _leaving.Count) _leaving = ImmutableHashSet.CreateRange(StringComparer.Ordinal, snapshot.Leaving);
                // Dead incarnations only: a ready mark may arrive before this silo's membership lists the sender as active.
                var dead = members.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToHashSet();
                if (_ready.Any(dead.Contains)) _ready = _ready.Except(dead);
            }
            Volatile.Write(ref _current, new Built(snapshot, leavingVersion));
            return snapshot;
        }
    }

    private sealed record Built(ClusterSnapshot Snapshot, long LeavingVersion);
}
