using OrleansAis.Storage;

namespace OrleansAis.Events;

/// <summary>Turns this node's committed user writes and deletes into bucket events (the store's last write hook).</summary>
public sealed class ObjectEvents(EventPublisher publisher, TimeProvider time) : IWriteObserver, IDeleteObserver
{
    public ValueTask AfterWriteAsync(ObjectMeta meta, CancellationToken ct)
    {
        publisher.Publish(new ObjectEvent
        {
            // Versions start again at 1 after a delete, so version 1 is exactly "there was no object before".
            Kind = meta.Version == 1 ? ObjectEventKind.Created : ObjectEventKind.Overwritten,
            Bucket = meta.Bucket, Name = meta.Name, Version = meta.Version, Size = meta.Size, ETag = meta.ETag,
            Checksum = meta.Checksum, Node = meta.Node, Time = time.GetUtcNow(),
        });
        return ValueTask.CompletedTask;
    }

    public void Deleted(string bucket, string name, string node) => publisher.Publish(new ObjectEvent
    {
        Kind = ObjectEventKind.Deleted, Bucket = bucket, Name = name, Node = node, Time = time.GetUtcNow(),
    });
}
