using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansAis.Etl.Sdk;

/// <summary>Bucket and object name from a request's raw path (<c>/{bucket}/{object...}</c>, each segment escaped).</summary>
internal static class ObjectPath
{
    public static (string Bucket, string ObjectName) Parse(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = target.IndexOf('?');
        if (query >= 0) target = target[..query];
        var segments = target.TrimStart('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        return (segments[0], string.Join('/', segments.Skip(1)));
    }

    public static string Escape(string bucket, string objectName) =>
        Uri.EscapeDataString(bucket) + "/" + string.Join('/', objectName.Split('/').Select(Uri.EscapeDataString));
}

/// <summary>Counts bytes written through it.</summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Written += count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        await inner.WriteAsync(buffer, ct);
        Written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
