namespace OrleansAis.Benchmarks.Targets;

/// <summary>
/// Files served and stored by nginx with the DAV module: a put is an HTTP <c>PUT</c> of the file (nginx writes it
/// into its root), a get an HTTP GET of it. The HTTP baseline for both directions.
/// </summary>
public sealed class DavFilesTarget(HttpClient http, Uri server, string root, string label) : IHttpObjectTarget
{
    public string Label => label;

    public Task PrepareAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        return Task.CompletedTask;
    }

    public async Task PutAsync(string name, byte[] content, CancellationToken ct)
    {
        using var response = await http.PutAsync(ObjectUrl(name), new ByteArrayContent(content), ct);
        if (!response.IsSuccessStatusCode) // 201 for a new file, 204 for an overwrite
            throw new HttpRequestException($"PUT {ObjectUrl(name)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}",
                null, response.StatusCode);
    }

    public Task<long> GetAsync(string name, CancellationToken ct) => HttpDownload.ReadToEndAsync(http, ObjectUrl(name), ct);

    public Uri ObjectUrl(string name) => new(server, Uri.EscapeDataString(name));
}
