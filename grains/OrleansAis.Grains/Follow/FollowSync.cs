using OrleansAis.Cluster;
using OrleansAis.Etl;
using OrleansAis.Grains;
using OrleansAis.Mirroring;
using OrleansAis.Ownership;
using OrleansAis.Storage;

namespace OrleansAis.Follow;

public enum FollowOutcome
{
    Transformed,
    /// <summary>The source is gone, and so now is the object derived from it.</summary>
    DeletedDerived,
    /// <summary>The destination was already produced from the source's current version (or nothing was derived from a gone source).</summary>
    UpToDate,
    /// <summary>Another node owns the source now; its passes take care of it.</summary>
    NotHere,
}

/// <summary>
/// Brings one source object's derived object up to date on the source's owner: transforms it through the same path
/// offline jobs use (<see cref="EtlCopier"/>: the destination carries the source version in its metadata), or deletes
/// the derived object when the source is gone. Comparing that metadata with the source is what makes a repeated or
/// late request harmless, so nothing here needs exactly-once delivery.
/// </summary>
public sealed class FollowSync(LocalObjectStore store, EtlCopier copier, NodeEtls etls, ClusterMap cluster, Mirrors mirrors,
    IEnumerable<IDeleteObserver> deletes, IGrainFactory grains)
{
    /// <param name="fromWrite">The newest write of the object committed here, so the local copy is the one to transform
    /// (without asking the destination first: a new version always needs it).</param>
    public async Task<FollowOutcome> SyncAsync(FollowRule rule, string name, bool fromWrite, CancellationToken ct)
    {
        var dstName = rule.Transform.DestinationName(name);
        using var source = store.OpenRead(rule.Source, name);
        if (source is null) return await SourceGoneAsync(rule, name, dstName);
        if (!fromWrite)
        {
            if (!cluster.OwnsLocally(rule.Source, name)) return FollowOutcome.NotHere;
            if (IsProducedFrom(rule, await HeadAsync(rule.Destination, dstName), source.Meta)) return FollowOutcome.UpToDate;
        }
        if (etls.FirstNotRunning(rule.Pipeline) is { } stopped)
            throw new OaisException(OaisErrorCode.EtlNotRunning, $"ETL '{stopped}' is not running on node {cluster.Local.NodeId}");
        await copier.TransformToAsync(rule.Pipeline, source, rule.Destination, dstName, ct);
        return FollowOutcome.Transformed;
    }

    /// <summary>True when the destination of <paramref name="source"/> is missing or was produced from another version.</summary>
    public async Task<bool> NeedsTransformAsync(FollowRule rule, ObjectMeta source) =>
        !IsProducedFrom(rule, await HeadAsync(rule.Destination, rule.Transform.DestinationName(source.Name)), source);

    /// <summary>
    /// Deletes <paramref name="destination"/> (a copy on this node, which owns it) when it was derived by the rule from a
    /// source that no longer exists; true when it did.
    /// </summary>
    public async Task<bool> DeleteIfOrphanAsync(FollowRule rule, ObjectMeta destination)
    {
        if (FollowMarker.SourceName(rule, destination) is not { } name) return false;
        if (store.Head(rule.Source, name) is not null || await HeadAsync(rule.Source, name) is not null) return false;
        // Deleted here, where the copy is, and not through the object's grain: an activation of it may still live on a
        // former owner (Orleans does not move activations), whose delete would miss this copy and leave the orphan.
        // Only this version goes: an overwrite meanwhile is not this orphan. Mirrors and delete hooks follow as for a user delete.
        try
        {
            if (!await store.DeleteAsync(rule.Destination, destination.Name, onlyVersion: destination.Version,
                    condition: new ObjectCondition { IfMatch = destination.ETag })) return false;
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.PreconditionFailed)
        {
            return false;
        }
        await mirrors.AfterDeleteAsync(rule.Destination, destination.Name);
        foreach (var observer in deletes) observer.Deleted(rule.Destination, destination.Name, cluster.Local.NodeId);
        return true;
    }

    private async Task<FollowOutcome> SourceGoneAsync(FollowRule rule, string name, string dstName)
    {
        if (!cluster.OwnsLocally(rule.Source, name)) return FollowOutcome.NotHere;
        // Not on this disk: deleted, or still on a former owner while ownership moves. Only a miss of its grain (which
        // looks there, and answers 503 while a node that may hold it is down) means it is gone.
        if (await HeadAsync(rule.Source, name) is not null) return FollowOutcome.NotHere;
        return await HeadAsync(rule.Destination, dstName) is { } derived && await DeleteDerivedAsync(rule, name, derived)
            ? FollowOutcome.DeletedDerived
            : FollowOutcome.UpToDate;
    }

    /// <summary>Deletes the derived object if it is still the one produced from <paramref name="sourceName"/> (If-Match).</summary>
    private async Task<bool> DeleteDerivedAsync(FollowRule rule, string sourceName, ObjectMeta derived)
    {
        if (FollowMarker.SourceName(rule, derived) != sourceName) return false; // not ours: written by hand, or by another rule
        try
        {
            return await grains.GetGrain<IObjectGrain>(ObjectKey.Format(rule.Destination, derived.Name))
                .DeleteIf(new ObjectCondition { IfMatch = derived.ETag });
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.PreconditionFailed)
        {
            return false; // rewritten meanwhile: that version is not this orphan
        }
    }

    private static bool IsProducedFrom(FollowRule rule, ObjectMeta? destination, ObjectMeta source) =>
        destination is not null && destination.Custom.TryGetValue(EtlCopier.SourceMetadataKey, out var marker)
        && marker == FollowMarker.Expected(rule, source);

    private async Task<ObjectMeta?> HeadAsync(string bucket, string name)
    {
        try
        {
            return await grains.GetGrain<IObjectGrain>(ObjectKey.Format(bucket, name)).Head();
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.ObjectNotFound)
        {
            return null;
        }
    }
}
