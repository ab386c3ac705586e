using System.IO.Hashing;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Transfers;

/// <summary>The stored checksum did not match the bytes received: the copy is not trusted (and not kept).</summary>
internal sealed class ChecksumMismatchException(string message) : IOException(message);

/// <summary>Writes a GET's body to a stream or a file, verifying whole objects against the server's xxhash64 as they stream.</summary>
internal static class ObjectSaver
{
    private const string VerifiableChecksumType = "xxhash64";

    public static async Task CopyAsync(ObjectDownload download, Stream destination, IProgressSink progress, CancellationToken ct)
    {
        var meta = download.Metadata;
        var hash = !download.IsPartial && meta.ChecksumType == VerifiableChecksumType ? new XxHash64() : null;
        await using var body = new ObservedReadStream(download.Content, chunk =>
        {
            hash?.Append(chunk);
            progress.AddBytes(chunk.Length);
        });
        await body.CopyToAsync(destination, 256 << 10, ct);
        await destination.FlushAsync(ct);
        if (hash?.GetCurrentHashAsUInt64().ToString("x16") is { } actual && actual != meta.Checksum)
            throw new ChecksumMismatchException($"{meta.Bucket}/{meta.Name}: received content hashes to {actual}, the server stored {meta.Checksum}");
    }

    /// <summary>Saves to <paramref name="path"/> only once complete and verified (see <see cref="AtomicFile"/>).</summary>
    public static Task SaveAsync(ObjectDownload download, string path, IProgressSink progress, CancellationToken ct) =>
        AtomicFile.WriteAsync(path, file => CopyAsync(download, file, progress, ct));
}
