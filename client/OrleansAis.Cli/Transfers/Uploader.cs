using System.Net.Http.Headers;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Transfers;

/// <summary>Streams files (or stdin) into objects, up to <c>workers</c> at a time; the first failure stops the rest.</summary>
internal sealed class Uploader(OaisHttpClient api, int workers)
{
    public async Task<IReadOnlyList<ObjectMetaDto>> PutAsync(string bucket, IReadOnlyList<UploadItem> items, string? contentType,
        IReadOnlyDictionary<string, string> custom, IProgressSink progress, CancellationToken ct)
    {
        var results = new ObjectMetaDto[items.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), options, async (i, token) =>
        {
            var item = items[i];
            var file = Open(item);
            // Measured at open time, not planning time; pipes and devices (stdin, /dev/..., <(...)) have no length and go chunked.
            long? length = file.CanSeek ? file.Length : null;
            await using var source = new ObservedReadStream(file, chunk => progress.AddBytes(chunk.Length));
            var content = new StreamContent(source, 256 << 10);
            content.Headers.ContentLength = length;
            if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            results[i] = await api.PutObjectAsync(bucket, item.ObjectName, content, custom, expectedChecksum: null, token);
            progress.CompleteObject();
        });
        return results;
    }

    private static Stream Open(UploadItem item) => item.Source == UploadItem.StandardInput
        ? Console.OpenStandardInput()
        : new FileStream(item.Source, new FileStreamOptions
        {
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 0, // the HTTP content reads in large chunks already
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
        });
}
