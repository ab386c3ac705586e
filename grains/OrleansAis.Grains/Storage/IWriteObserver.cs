namespace OrleansAis.Storage;

/// <summary>
/// Told of every user write this node committed (not of copies between nodes), before the write is acknowledged.
/// Mirroring uses it to put the other copies in place.
/// </summary>
public interface IWriteObserver
{
    ValueTask AfterWriteAsync(ObjectMeta meta, CancellationToken ct);
}
