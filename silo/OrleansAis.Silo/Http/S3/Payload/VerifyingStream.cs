using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.S3.Payload;

/// <summary>
/// One digest the client stated for the body. <paramref name="Expected"/> is asked only at the end of the body, because a
/// trailer checksum arrives after the data; null then means the client never sent it.
/// </summary>
/// <remarks>
/// <paramref name="Algorithm"/> names an x-amz-checksum-* algorithm, whose digest is stored with the object; a check
/// without <paramref name="Expected"/> only computes (the checksum a multipart upload keeps for a part sent without one).
/// </remarks>
public sealed record PayloadCheck(string Name, ContentHash Hash, Func<byte[]?>? Expected, Func<string, S3Exception> Mismatch, string? Algorithm = null);

/// <summary>
/// Hashes a body as it streams through and, before reporting its end, compares every digest the client stated.
/// A writer only commits after reading to the end, so a body that fails a check never becomes visible.
/// </summary>
public sealed class VerifyingStream(Stream inner, IReadOnlyList<PayloadCheck> checks) : Stream
{
    private readonly Dictionary<PayloadCheck, byte[]> _digests = [];
    private bool _verified;

    /// <summary>The digest of each check, once the body has been read to its end (and every check held).</summary>
    public IReadOnlyDictionary<PayloadCheck, byte[]> Digests => _digests;

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
                var digest = check.Hash.Finish();
                if (check.Expected is { } stated)
                {
                    var expected = stated() ?? throw check.Mismatch($"the {check.Name} the request announced never arrived");
                    if (!digest.AsSpan().SequenceEqual(expected)) throw check.Mismatch($"the {check.Name} you specified did not match the calculated one");
                }
                _digests[check] = digest;
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
