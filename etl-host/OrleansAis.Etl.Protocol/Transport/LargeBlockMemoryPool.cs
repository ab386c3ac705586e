using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace OrleansAis.Etl.Protocol.Transport;

/// <summary>
/// Kestrel's buffers in large blocks. Its default pool hands out 4 KiB blocks, so one socket read never takes more
/// than 4 KiB: a 1 MiB object costs over 256 receive calls and as many pipe segments (measured: half the CPU of an
/// hpush echo). With 64 KiB blocks it costs sixteen. Kestrel's socket transport takes its pool from the
/// <see cref="IMemoryPoolFactory{T}"/> service, so registering this one is all it takes.
/// </summary>
public sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool(LargeBlockMemoryPool.DefaultBlockBytes);
}

/// <summary>Pinned blocks of one size, reused; idle blocks beyond <see cref="MaxIdleBlocks"/> are left to the GC.</summary>
public sealed class LargeBlockMemoryPool(int blockBytes) : MemoryPool<byte>
{
    public const int DefaultBlockBytes = 64 << 10;
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
