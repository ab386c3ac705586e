using OrleansAis.Storage;

namespace OrleansAis.Follow;

/// <summary>
/// Queues the transforms of every committed user write and delete of a followed bucket, on the node that committed
/// it (the owner). A local hook rather than the bucket's event stream: it sees every commit of this node in-process,
/// with no grain call, pub-sub or queue between, and costs the write only a dictionary lookup and a non-blocking add;
/// the stream is at-most-once and delivers every node's events to wherever its subscriber lives.
/// </summary>
public sealed class FollowHooks(FollowRules rules, FollowQueue queue) : IWriteObserver, IDeleteObserver
{
    public ValueTask AfterWriteAsync(ObjectMeta meta, CancellationToken ct)
    {
        foreach (var rule in rules.ForSource(meta.Bucket)) queue.Add(new FollowWork(rule.Id, meta.Name), fromWrite: true);
        return ValueTask.CompletedTask;
    }

    public void Deleted(string bucket, string name, string node)
    {
        foreach (var rule in rules.ForSource(bucket)) queue.Add(new FollowWork(rule.Id, name), fromWrite: false);
    }
}
