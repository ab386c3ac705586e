using System.Runtime.InteropServices;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// Deterministic pseudo-random bytes (SplitMix64) from a 64-bit seed: the same object always has the same content,
/// produced block by block so no object is ever held whole in memory.
/// </summary>
internal struct ContentGenerator(ulong seed)
{
    private ulong _state = seed;
    private ulong _pending;
    private int _pendingBytes;

    /// <summary>Fills <paramref name="buffer"/> with the next bytes of the sequence.</summary>
    public void Fill(Span<byte> buffer)
    {
        // Drain bytes left over from the previous block so block size never changes the sequence.
        while (_pendingBytes > 0 && buffer.Length > 0)
        {
            buffer[0] = (byte)_pending;
            _pending >>= 8;
            _pendingBytes--;
            buffer = buffer[1..];
        }
        var words = MemoryMarshal.Cast<byte, ulong>(buffer[..(buffer.Length & ~7)]);
        for (var i = 0; i < words.Length; i++) words[i] = Next(); // little-endian hosts: same bytes as the tail path below
        var tail = buffer[(words.Length * 8)..];
        if (tail.Length == 0) return;
        _pending = Next();
        _pendingBytes = 8;
        foreach (ref var b in tail)
        {
            b = (byte)_pending;
            _pending >>= 8;
            _pendingBytes--;
        }
    }

    private ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
