using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OrleansAis.Silo.Http.S3.Auth;

namespace OrleansAis.Silo.Http.S3.Payload;

/// <summary>
/// Decodes an aws-chunked request body (<c>{hex size}[;chunk-signature=...]\r\n{data}\r\n ... 0...\r\n[trailers]\r\n</c>)
/// while it streams, through one fixed buffer. With a <see cref="ChunkSignatureChain"/>, every chunk signature (and the
/// trailer signature) is verified; a chunk's data is handed on before its signature is checked, but the end of the body
/// is reported only after all checks passed, and nothing is committed before the end.
/// </summary>
public sealed class AwsChunkedStream : Stream
{
    private const int BufferBytes = 64 << 10;
    private const int MaxLineBytes = 4 << 10;
    private const int MaxTrailers = 16;
    private const string SignatureExtension = "chunk-signature=";
    private const string TrailerSignature = S3Headers.TrailerSignature;

    private readonly Stream _inner;
    private readonly ChunkSignatureChain? _signatures;
    private readonly IncrementalHash? _chunkHash;
    private readonly bool _hasTrailers;
    private readonly long? _decodedLength;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private readonly Dictionary<string, string> _trailers = new(StringComparer.OrdinalIgnoreCase);
    private int _start;
    private int _end;
    private long _remaining;
    private bool _inChunk;
    private string? _chunkSignature;
    private long _decoded;
    private bool _done;

    /// <param name="inner">the encoded body</param>
    /// <param name="signatures">the signature chain of a signed streaming upload, null for an unsigned one</param>
    /// <param name="hasTrailers">whether trailing headers (e.g. x-amz-checksum-crc32) follow the final chunk</param>
    /// <param name="decodedLength">x-amz-decoded-content-length: the decoded body must have exactly this many bytes</param>
    public AwsChunkedStream(Stream inner, ChunkSignatureChain? signatures, bool hasTrailers, long? decodedLength)
    {
        _inner = inner;
        _signatures = signatures;
        _chunkHash = signatures is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _hasTrailers = hasTrailers;
        _decodedLength = decodedLength;
    }

    /// <summary>The trailing headers (lower-case names), complete once the stream has reported its end.</summary>
    public IReadOnlyDictionary<string, string> Trailers => _trailers;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct = default)
    {
        if (destination.Length == 0) return 0;
        while (!_done)
        {
            if (_remaining > 0)
            {
                if (_start == _end && !await FillAsync(ct)) throw Truncated();
                var count = (int)Math.Min(Math.Min(_remaining, _end - _start), destination.Length);
                var data = _buffer.AsSpan(_start, count);
                data.CopyTo(destination.Span);
                _chunkHash?.AppendData(data);
                _start += count;
                _remaining -= count;
                _decoded += count;
                return count;
            }
            if (_inChunk) await EndChunkAsync(ct);
            await BeginChunkAsync(ct);
        }
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    /// <summary>Request bodies are read asynchronously only (Kestrel forbids synchronous reads).</summary>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async Task EndChunkAsync(CancellationToken ct)
    {
        if (await ReadLineAsync(ct) is not { Length: 0 }) throw Malformed("chunk data is not followed by CRLF");
        _signatures?.VerifyChunk(Convert.ToHexStringLower(_chunkHash!.GetHashAndReset()), _chunkSignature);
        _inChunk = false;
    }

    private async Task BeginChunkAsync(CancellationToken ct)
    {
        var header = await ReadLineAsync(ct) ?? throw Truncated();
        var fields = header.Split(';', StringSplitOptions.TrimEntries);
        if (!long.TryParse(fields[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            throw Malformed($"'{fields[0]}' is not a chunk size");
        _chunkSignature = fields.Skip(1).FirstOrDefault(f => f.StartsWith(SignatureExtension, StringComparison.Ordinal))?[SignatureExtension.Length..];
        if (size > 0)
        {
            _remaining = size;
            _inChunk = true;
            return;
        }
        _signatures?.VerifyChunk(SigV4.EmptySha256, _chunkSignature);
        if (_hasTrailers) await ReadTrailersAsync(ct);
        else if (await ReadLineAsync(ct) is { Length: > 0 }) throw Malformed("the final chunk is not followed by an empty line");
        if (_decodedLength is { } declared && declared != _decoded)
            throw S3Exception.IncompleteBody($"the body decodes to {_decoded} bytes, x-amz-decoded-content-length says {declared}");
        _done = true;
    }

    private async Task ReadTrailersAsync(CancellationToken ct)
    {
        var canonical = new StringBuilder();
        string? signature = null;
        // The closing empty line ends the trailers; some clients end the body right after the last trailer instead.
        while (await ReadLineAsync(ct) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) throw Malformed($"'{line}' is not a trailer");
            var (name, value) = (line[..colon].Trim().ToLowerInvariant(), line[(colon + 1)..].Trim());
            if (name == TrailerSignature)
            {
                signature = value;
                continue;
            }
            if (_trailers.Count == MaxTrailers) throw Malformed($"more than {MaxTrailers} trailers");
            _trailers[name] = value;
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }
        _signatures?.VerifyTrailer(canonical.ToString(), signature);
    }

    /// <summary>The next CRLF-terminated line, without its CRLF; null at the end of the body.</summary>
    private async ValueTask<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline);
                _start += newline + 2;
                return line;
            }
            if (_end - _start >= MaxLineBytes) throw Malformed("a chunk header or trailer line is too long");
            if (!await FillAsync(ct)) return _start == _end ? null : throw Truncated();
        }
    }

    /// <summary>Reads more of the body behind what is buffered; false at its end.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var read = await _inner.ReadAsync(_buffer.AsMemory(_end), ct);
        _end += read;
        return read > 0;
    }

    private static S3Exception Truncated() => S3Exception.IncompleteBody("the aws-chunked body ended before its final chunk");

    private static S3Exception Malformed(string problem) => S3Exception.InvalidRequest("malformed aws-chunked body: " + problem);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _chunkHash?.Dispose();
        base.Dispose(disposing);
    }
}
