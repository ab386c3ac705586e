namespace OrleansAis.Storage;

/// <summary>
/// Told of every user delete this node committed (DeleteObject; not moves between nodes, nor a bucket dropped whole),
/// after it is done. Must not block or fail: the delete is already committed.
/// </summary>
public interface IDeleteObserver
{
    void Deleted(string bucket, string name, string node);
}
