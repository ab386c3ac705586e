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

    /// <summary>Removes this silo's local data of a deleted bucket and forgets it in the local bucket cache.</summary>
    [Alias("DropBucket")] Task DropBucket(string bucket);
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
