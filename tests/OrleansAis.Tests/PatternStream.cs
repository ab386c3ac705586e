namespace OrleansAis.Tests;

/// <summary>A read-only stream of <c>length</c> deterministic pseudo-random bytes, generated on the fly (never held in memory).</summary>
public sealed class PatternStream(long length, ulong seed = 1) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <summary>The byte at a given offset: a cheap hash of (seed, offset).</summary>
    public static byte At(ulong seed, long offset)
    {
        var z = seed * 0x9E3779B97F4A7C15UL + (ulong)offset;
        z = (z ^ (z >> 29)) * 0xBF58476D1CE4E5B9UL;
        return (byte)(z >> 56);
    }

    public static byte[] Bytes(int length, ulong seed = 1)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = At(seed, i);
        return bytes;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < n; i++) buffer[i] = At(seed, _position + i);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A write-only sink that checks every byte against a <see cref="PatternStream"/> of the same seed.</summary>
public sealed class PatternVerifier(ulong seed = 1, long startOffset = 0) : Stream
{
    public long Written { get; private set; }
    public long FirstMismatch { get; private set; } = -1;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            if (FirstMismatch < 0 && buffer[i] != PatternStream.At(seed, startOffset + Written + i)) FirstMismatch = Written + i;
        }
        Written += buffer.Length;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
