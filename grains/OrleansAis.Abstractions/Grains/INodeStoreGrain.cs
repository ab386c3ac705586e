namespace OrleansAis.Grains;

/// <summary>
/// Exactly one per storage silo (key: the silo's stable node id), pinned to that silo:
/// the cluster's handle on one silo's local disks. Listing, counting and bucket cleanup fan out through these.
/// </summary>
[Alias("oais.INodeStoreGrain")]
public interface INodeStoreGrain : IGrainWithStringKey
{
    [Alias("Info")] Task<NodeInfo> Info();
    [Alias("Stats")] Task<NodeStats> Stats();

    /// <summary>Objects of <paramref name="bucket"/> stored on this silo, in name order.</summary>
    [Alias("List")] Task<ObjectListPage> List(string bucket, ListRequest request);

    [Alias("Count")] Task<long> Count(string bucket);

    /// <summary>The multipart uploads of <paramref name="bucket"/> in progress on this silo whose keys start with <paramref name="prefix"/>.</summary>
    [Alias("ListUploads")] Task<IReadOnlyList<UploadEntry>> ListUploads(string bucket, string prefix);

    /// <summary>Removes this silo's local data of a deleted bucket and forgets it in the local bucket cache.</summary>
    [Alias("DropBucket")] Task DropBucket(string bucket);

    /// <summary>The object's metadata if this node's disks hold it (whether or not it owns it).</summary>
    [Alias("Find")] Task<ObjectMeta?> Find(string bucket, string name);

    /// <summary>A bounded chunk of the local copy at <paramref name="version"/> (for moving it to another node).</summary>
    [Alias("ReadChunk")] Task<byte[]> ReadChunk(string bucket, string name, long version, long offset, int count);

    /// <summary>Deletes the local copy if it is still at <paramref name="version"/>.</summary>
    [Alias("Remove")] Task<bool> Remove(string bucket, string name, long version);

    /// <summary>
    /// Moves the object from node <paramref name="fromNode"/> onto this node (copy, verify checksum, commit, delete the
    /// source). Returns this node's copy, or null when the source no longer has the object.
    /// </summary>
    [Alias("Import")] Task<ObjectMeta?> Import(string bucket, string name, string fromNode);

    /// <summary>
    /// Makes this node hold a mirror copy of the object <paramref name="source"/> describes, from <paramref name="fromNode"/>
    /// (copied in chunks and verified; the source keeps its copy). Nothing to do when this node already holds that content.
    /// </summary>
    [Alias("Mirror")] Task Mirror(ObjectMeta source, string fromNode);

    /// <summary>Deletes this node's copy of the object, whatever its version; false when it had none.</summary>
    [Alias("DropCopy")] Task<bool> DropCopy(string bucket, string name);

    /// <summary>
    /// Node <paramref name="nodeId"/> is leaving gracefully: from now on this node no longer counts it as an owner, and
    /// looks for objects on the move (the leaving node hands them over before it goes).
    /// </summary>
    [Alias("NodeLeaving")] Task NodeLeaving(string nodeId);

    /// <summary>True when this node has no rebalance pass running or asked for: nothing it holds is waiting to move to its owner.</summary>
    [Alias("RebalanceIdle")] Task<bool> RebalanceIdle();

    /// <summary>True once this node's current incarnation has reconciled and serves its share (it is not joining).</summary>
    [Alias("IsReady")] Task<bool> IsReady();

    /// <summary>Nodes this node knows left gracefully (decommissioned, then gone): a node that starts later learns them here.</summary>
    [Alias("Departed")] Task<IReadOnlyList<string>> Departed();

    /// <summary>
    /// The silo <paramref name="siloAddress"/> (one incarnation of a node) has reconciled and serves HTTP: from now on
    /// this node counts it as an owner and stops standing in for it.
    /// </summary>
    [Alias("NodeReady")] Task NodeReady(string siloAddress);

    /// <summary>
    /// The objects on this node's disks that node <paramref name="nodeId"/> may hold once it owns (it ranks among their
    /// bucket's first <c>copies</c> holders over the current owners and itself), a page at a time from <paramref name="bucket"/> after
    /// <paramref name="token"/>: what a rejoining node must compare with its own copies before it serves.
    /// </summary>
    [Alias("HeldFor")] Task<HeldPage> HeldFor(string nodeId, string? bucket, string? token);

    /// <summary>
    /// The deletes this node remembers (tombstones) of objects node <paramref name="nodeId"/> may hold once it owns (as
    /// in <see cref="HeldFor"/>): a rejoining node removes its copies older than these before it serves.
    /// </summary>
    [Alias("DeletedFor")] Task<IReadOnlyList<Tombstone>> DeletedFor(string nodeId);

    /// <summary>When the object was deleted on this node, if it remembers that delete.</summary>
    [Alias("DeletedAt")] Task<DateTimeOffset?> DeletedAt(string bucket, string name);

    /// <summary>
    /// Starts decommissioning this node: it stops owning objects and hands every local object to its next owner, in the
    /// background (progress in <see cref="Stats"/>); with <paramref name="shutdown"/> the silo then stops. A node can
    /// then leave for good without losing anything. Repeated calls join the running decommission.
    /// </summary>
    [Alias("Decommission")] Task<NodeStats> Decommission(bool shutdown);
}

/// <summary>Cluster-wide views assembled from every node (stateless; runs on whichever silo is asked).</summary>
[Alias("oais.IClusterViewGrain")]
public interface IClusterViewGrain : IGrainWithIntegerKey
{
    [Alias("Nodes")] Task<IReadOnlyList<NodeInfo>> Nodes();
    [Alias("Stats")] Task<IReadOnlyList<NodeStats>> Stats();

    /// <summary>A page of the bucket's objects from all silos merged in name order.</summary>
    [Alias("ListObjects")] Task<ObjectListPage> ListObjects(string bucket, ListRequest request);
}
