namespace OrleansAis.Grains;

/// <summary>
/// One object, keyed <c>bucket/object</c>, activated on the silo that owns its bytes (rendezvous placement).
/// Bytes cross this interface only in bounded chunks (<see cref="Transfer.MaxChunkBytes"/>):
/// Orleans messages have a size limit and a response timeout, so whole objects never travel in one call.
/// </summary>
[Alias("oais.IObjectGrain")]
public interface IObjectGrain : IGrainWithStringKey
{
    [Alias("Head")] Task<ObjectMeta> Head();

    /// <summary>Starts an upload; nothing is visible until <see cref="CommitWrite"/>.</summary>
    [Alias("BeginWrite")] Task<Guid> BeginWrite(PutOptions options);

    [Alias("AppendWrite")] Task AppendWrite(Guid uploadId, [Immutable] byte[] chunk);

    /// <summary>Makes the upload visible atomically, replacing any previous version.</summary>
    [Alias("CommitWrite")] Task<ObjectMeta> CommitWrite(Guid uploadId);

    [Alias("AbortWrite")] Task AbortWrite(Guid uploadId);

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes at <paramref name="offset"/> of version <paramref name="version"/>;
    /// fails with <see cref="OaisErrorCode.Conflict"/> when the object changed since, so a reader never mixes versions.
    /// </summary>
    [Alias("Read")] Task<byte[]> Read(long version, long offset, int count);

    /// <summary>Deletes the object; false when there was nothing to delete.</summary>
    [Alias("Delete")] Task<bool> Delete();

    /// <summary>
    /// Deletes the object if it meets <paramref name="condition"/> (checked on the owner under the key lock); a
    /// condition that fails is <see cref="OaisErrorCode.PreconditionFailed"/>. False when there was nothing to delete.
    /// </summary>
    [Alias("DeleteIf")] Task<bool> DeleteIf(ObjectCondition? condition);

    /// <summary>The silo that owns this object (where its bytes live and where HTTP should read them).</summary>
    [Alias("Locate")] Task<NodeInfo> Locate();
}

public static class Transfer
{
    /// <summary>Chunk size for object bytes over Orleans calls.</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>The largest chunk a grain accepts or returns (far below Orleans' 100 MiB message limit).</summary>
    public const int MaxChunkBytes = 4 << 20;
}
