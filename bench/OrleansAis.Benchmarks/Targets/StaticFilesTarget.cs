namespace OrleansAis.Benchmarks.Targets;

/// <summary>
/// Files served by a static web server (nginx): a put is a plain file write into its root (how such a server gets its
/// data), a get is an HTTP GET of the file.
/// </summary>
public sealed class StaticFilesTarget(HttpClient http, Uri server, string root, string label) : IHttpObjectTarget
{
    public string Label => label;

    public Task PrepareAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        return Task.CompletedTask;
    }

    public Task PutAsync(string name, byte[] content, CancellationToken ct) => File.WriteAllBytesAsync(Path.Combine(root, name), content, ct);

    public Task<long> GetAsync(string name, CancellationToken ct) => HttpDownload.ReadToEndAsync(http, ObjectUrl(name), ct);

    public Uri ObjectUrl(string name) => new(server, Uri.EscapeDataString(name));
}
