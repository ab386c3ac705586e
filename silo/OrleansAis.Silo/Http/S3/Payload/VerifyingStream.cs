namespace OrleansAis.Silo.Http.S3.Payload;

/// <summary>
/// One digest the client stated for the body. <paramref name="Expected"/> is asked only at the end of the body, because a
/// trailer checksum arrives after the data; null then means the client never sent it.
/// </summary>
public sealed record PayloadCheck(string Name, PayloadHash Hash, Func<byte[]?> Expected, Func<string, S3Exception> Mismatch);

/// <summary>
/// Hashes a body as it streams through and, before reporting its end, compares every digest the client stated.
/// A writer only commits after reading to the end, so a body that fails a check never becomes visible.
/// </summary>
public sealed class VerifyingStream(Stream inner, IReadOnlyList<PayloadCheck> checks) : Stream
{
    private bool _verified;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var read = await inner.ReadAsync(buffer, ct);
        if (read > 0)
        {
            foreach (var check in checks) check.Hash.Append(buffer.Span[..read]);
        }
        else if (!_verified && buffer.Length > 0)
        {
            _verified = true;
            foreach (var check in checks)
            {
                var expected = check.Expected() ?? throw check.Mismatch($"the {check.Name} the request announced never arrived");
                if (!check.Hash.Finish().AsSpan().SequenceEqual(expected))
                    throw check.Mismatch($"the {check.Name} you specified did not match the calculated one");
            }
        }
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    /// <summary>Request bodies are read asynchronously only (Kestrel forbids synchronous reads).</summary>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
