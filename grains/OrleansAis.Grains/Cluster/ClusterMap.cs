using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace OrleansAis.Cluster;

/// <summary>
/// This silo's current <see cref="ClusterSnapshot"/>: placement, HTTP routing, jobs, rebalancing and mirroring all read
/// ownership from it. Reading is a version check; the snapshot is rebuilt only when Orleans membership moved on, a
/// leave was announced, or the last one was built before every silo's metadata had arrived.
/// </summary>
public sealed class ClusterMap(IClusterMembershipService membership, ISiloMetadataCache metadata, ILocalSiloDetails localSilo,
    IOptions<NodeOptions> node)
{
    private readonly Lock _rebuild = new();
    private ImmutableHashSet<string> _leaving = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private long _leavingVersion;
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
            var snapshot = ClusterSnapshot.Build(version, members.Version, Local,
                members.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress), metadata, _leaving);
            // Forget marks of nodes that are gone, but only from a complete view: a node whose metadata is late is still a member.
            if (snapshot.Complete && snapshot.Leaving.Count != _leaving.Count) _leaving = ImmutableHashSet.CreateRange(StringComparer.Ordinal, snapshot.Leaving);
            Volatile.Write(ref _current, new Built(snapshot, leavingVersion));
            return snapshot;
        }
    }

    private sealed record Built(ClusterSnapshot Snapshot, long LeavingVersion);
}
