using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace OrleansAis.Etl.Protocol.Transport;

/// <summary>
/// Kestrel's buffers in large blocks. Its default pool hands out 4 KiB blocks, so one socket read never takes more
/// than 4 KiB: a 1 MiB object costs over 256 receive calls and as many pipe segments and wake-ups (measured: half
/// the CPU of an hpush echo). Kestrel's socket transport takes its pool from the <see cref="IMemoryPoolFactory{T}"/>
/// service, so registering this one is all it takes.
/// </summary>
/// <param name="blockBytes">
/// Bytes per block, so per socket read: larger means fewer calls and wake-ups per object, and more memory held by
/// each connection that is reading.
/// </param>
public sealed class LargeBlockMemoryPoolFactory(int blockBytes) : IMemoryPoolFactory<byte>
{
    /// <summary>For servers with many client connections (the silo).</summary>
    public const int ServerBlockBytes = 64 << 10;

    /// <summary>For a transformer: few connections (its silo's pool), each moving whole objects.</summary>
    public const int TransformerBlockBytes = 256 << 10;

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool(blockBytes);
}

/// <summary>Pinned blocks of one size, reused; idle blocks beyond <see cref="MaxIdleBlocks"/> are left to the GC.</summary>
public sealed class LargeBlockMemoryPool(int blockBytes) : MemoryPool<byte>
{
    private const int MaxIdleBlocks = 256;
    private readonly ConcurrentQueue<Block> _idle = new();

    public override int MaxBufferSize => blockBytes;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, blockBytes);
        if (_idle.TryDequeue(out var block))
        {
            block.Rented = 1;
            return block;
        }
        return new Block(this, GC.AllocateUninitializedArray<byte>(blockBytes, pinned: true));
    }

    protected override void Dispose(bool disposing) => _idle.Clear();

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        public int Rented = 1;

        public Memory<byte> Memory => array;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref Rented, 0) == 1 && pool._idle.Count < MaxIdleBlocks) pool._idle.Enqueue(this);
        }
    }
}
