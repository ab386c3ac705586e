using OrleansAis.Http.Contracts;

namespace OrleansAis.Benchmarks.Targets;

/// <summary>
/// A bucket read through an inline ETL: puts store the raw object (through <paramref name="raw"/>), gets are
/// <c>GET /v1/objects/{bucket}/{name}?etl_name=N</c>, following a 307 to the transformer (hpull) like any HTTP client.
/// </summary>
public sealed class EtlReadTarget(HttpClient http, AisHttpTarget raw, string etlName, string label) : IHttpObjectTarget
{
    public string Label => label;

    public Task PrepareAsync(CancellationToken ct) => raw.PrepareAsync(ct);

    public Task PutAsync(string name, byte[] content, CancellationToken ct) => raw.PutAsync(name, content, ct);

    public Task<long> GetAsync(string name, CancellationToken ct) => HttpDownload.ReadToEndAsync(http, ObjectUrl(name), ct);

    public Uri ObjectUrl(string name) => new(OaisRoutes.WithQuery(raw.ObjectUrl(name).AbsoluteUri, (OaisQuery.EtlName, etlName)));
}
