namespace OrleansAis.Etl.Communicators;

/// <summary>
/// Holds an io:// command's stdout until the command has exited 0, so that nothing reaches the caller before the
/// transform is known to have succeeded: a command that prints something and then hangs or fails is a transformer
/// error (504, 500), never a 200 whose body is whatever it printed. The first <see cref="MemoryBytes"/> stay in memory,
/// the rest goes to a temporary file deleted on close (objects can be many GiB).
/// </summary>
public sealed class SpooledOutput : Stream
{
    public const int MemoryBytes = 1 << 20;

    private readonly MemoryStream _memory = new();
    private FileStream? _file;

    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var inMemory = (int)Math.Min(buffer.Length, Math.Max(0, MemoryBytes - _memory.Length));
        _memory.Write(buffer[..inMemory]);
        if (inMemory < buffer.Length) Overflow().Write(buffer[inMemory..]);
        Written += buffer.Length;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        var inMemory = (int)Math.Min(buffer.Length, Math.Max(0, MemoryBytes - _memory.Length));
        _memory.Write(buffer.Span[..inMemory]);
        if (inMemory < buffer.Length) await Overflow().WriteAsync(buffer[inMemory..], ct);
        Written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    /// <summary>Everything written, in order, to <paramref name="destination"/>.</summary>
    public async Task ReplayAsync(Stream destination, CancellationToken ct)
    {
        await destination.WriteAsync(_memory.GetBuffer().AsMemory(0, (int)_memory.Length), ct);
        if (_file is null) return;
        await _file.FlushAsync(ct);
        _file.Position = 0;
        await _file.CopyToAsync(destination, 1 << 16, ct);
    }

    private FileStream Overflow() => _file ??= new FileStream(Path.Combine(Path.GetTempPath(), $"oais-io-{Guid.NewGuid():N}.out"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
            _memory.Dispose();
        }
        base.Dispose(disposing);
    }
}
