using System.IO.Hashing;

namespace OrleansAis.Storage;

/// <summary>
/// An open object version: the metadata and a handle on exactly the bytes it describes
/// (a concurrent overwrite writes a new data file and deletes this one; the open handle keeps reading it).
/// </summary>
public sealed class ObjectReader : IDisposable
{
    private readonly FileStream _file;
    private readonly Action<long> _onRead;

    internal ObjectReader(FileStream file, string dataPath, ObjectMeta meta, Action<long> onRead)
    {
        _file = file;
        DataPath = dataPath;
        Meta = meta;
        _onRead = onRead;
    }

    public ObjectMeta Meta { get; }

    /// <summary>The file holding exactly this version's bytes (what an fqn-mode transformer reads).</summary>
    public string DataPath { get; }

    /// <summary>A stream over <paramref name="length"/> bytes at <paramref name="offset"/>; owns nothing (dispose the reader).</summary>
    public Stream OpenRange(long offset, long length)
    {
        BeginRead(offset, length);
        return new RangeStream(_file, offset, length);
    }

    /// <summary>Checks that <paramref name="length"/> bytes at <paramref name="offset"/> are inside the object, and counts them as read.</summary>
    public void BeginRead(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > Meta.Size)
            throw new OaisException(OaisErrorCode.InvalidRange, $"range {offset}+{length} is outside the object's {Meta.Size} bytes");
        _onRead(length);
    }

    /// <summary>A positional read, synchronous: from the page cache a memory copy, cheaper than a hop to another thread.</summary>
    public int ReadAt(long offset, Span<byte> buffer) =>
        RandomAccess.Read(_file.SafeFileHandle, buffer[..(int)Math.Min(buffer.Length, Math.Max(0, Meta.Size - offset))], offset);

    public Stream OpenContent() => OpenRange(0, Meta.Size);

    /// <summary>Reads into <paramref name="buffer"/> at <paramref name="offset"/>; returns the count read (less only at the end).</summary>
    public async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken ct = default)
    {
        var want = (int)Math.Min(buffer.Length, Math.Max(0, Meta.Size - offset));
        var total = 0;
        while (total < want)
        {
            var n = await RandomAccess.ReadAsync(_file.SafeFileHandle, buffer.Slice(total, want - total), offset + total, ct);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Re-hashes the content and compares with the stored checksum.</summary>
    public async Task<bool> VerifyAsync(CancellationToken ct = default)
    {
        var hash = new XxHash64();
        await using var content = OpenContent();
        await hash.AppendAsync(content, ct);
        return hash.GetCurrentHashAsUInt64().ToString("x16") == Meta.Checksum;
    }

    public void Dispose() => _file.Dispose();

    /// <summary>Positional reads of a window of the file; independent of the file's own position.</summary>
    private sealed class RangeStream(FileStream file, long start, long length) : Stream, ISocketFileSource
    {
        public Task SendToAsync(System.Net.Sockets.Socket socket, CancellationToken ct) => FileSending.SendAsync(socket, file, start + _position, length - _position, ct);

        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = Math.Clamp(value, 0, length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            if (n <= 0) return 0;
            n = RandomAccess.Read(file.SafeFileHandle, buffer[..n], start + _position);
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            if (n <= 0) return 0;
            n = await RandomAccess.ReadAsync(file.SafeFileHandle, buffer[..n], start + _position, ct);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
