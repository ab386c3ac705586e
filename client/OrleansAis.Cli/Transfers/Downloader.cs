using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Transfers;

/// <summary>An object saved to a local file (the --json record of <c>oais get</c>).</summary>
internal sealed record SavedObject(string Bucket, string Name, long Size, string Checksum, string File);

/// <summary>Saves many objects to local files, up to <c>workers</c> at a time; the first failure stops the rest.</summary>
internal sealed class Downloader(OaisHttpClient api, int workers)
{
    public async Task<IReadOnlyList<SavedObject>> SaveAllAsync(string bucket, IReadOnlyList<(string Name, string File)> objects,
        IProgressSink progress, CancellationToken ct)
    {
        var results = new SavedObject[objects.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, objects.Count), options, async (i, token) =>
        {
            var (name, file) = objects[i];
            await using var download = await api.GetObjectAsync(bucket, name, range: null, token);
            await ObjectSaver.SaveAsync(download, file, progress, token);
            results[i] = new SavedObject(bucket, name, download.ContentLength, download.Metadata.Checksum, file);
            progress.CompleteObject();
        });
        return results;
    }
}
