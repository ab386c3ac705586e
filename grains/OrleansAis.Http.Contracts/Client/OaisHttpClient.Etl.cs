using System.Globalization;
using System.Text;

namespace OrleansAis.Http.Contracts;

/// <summary>The ETL and offline job endpoints.</summary>
public sealed partial class OaisHttpClient
{
    /// <summary>Sends the spec text as it is (JSON or YAML): the server parses it and names the bad field when it is wrong.</summary>
    public async Task<EtlDetailsDto> InitEtlAsync(string specText, CancellationToken ct)
    {
        var mediaType = specText.TrimStart().StartsWith('{') ? "application/json" : "application/yaml";
        using var request = new HttpRequestMessage(HttpMethod.Put, OaisRoutes.EtlsPath()) { Content = new StringContent(specText, Encoding.UTF8, mediaType) };
        using var response = await SendAsync(request, ct);
        return await ReadJsonAsync<EtlDetailsDto>(response, ct);
    }

    public async Task<IReadOnlyList<EtlSummaryDto>> ListEtlsAsync(CancellationToken ct) =>
        (await GetJsonAsync<EtlListDto>(OaisRoutes.EtlsPath(), ct)).Etls;

    public Task<EtlDetailsDto> GetEtlAsync(string name, CancellationToken ct) => GetJsonAsync<EtlDetailsDto>(OaisRoutes.EtlPath(name), ct);

    public Task<EtlDetailsDto> StopEtlAsync(string name, CancellationToken ct) => PostJsonAsync<EtlDetailsDto>(OaisRoutes.EtlStopPath(name), null, ct);

    public Task<EtlDetailsDto> StartEtlAsync(string name, CancellationToken ct) => PostJsonAsync<EtlDetailsDto>(OaisRoutes.EtlStartPath(name), null, ct);

    public async Task DeleteEtlAsync(string name, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, OaisRoutes.EtlPath(name));
        using var response = await SendAsync(request, ct);
    }

    public Task<EtlLogsDto> GetEtlLogsAsync(string name, string? node, int? lines, CancellationToken ct) =>
        GetJsonAsync<EtlLogsDto>(OaisRoutes.WithQuery(OaisRoutes.EtlLogsPath(name),
            (OaisQuery.Node, node), (OaisQuery.Lines, lines?.ToString(CultureInfo.InvariantCulture))), ct);

    public Task<EtlMetricsDto> GetEtlMetricsAsync(string name, CancellationToken ct) => GetJsonAsync<EtlMetricsDto>(OaisRoutes.EtlMetricsPath(name), ct);

    /// <summary>Copy-transforms one object on its owner; the result is stored under <paramref name="to"/> (bucket/name).</summary>
    public Task<EtlCopyResultDto> CopyTransformAsync(string etl, string from, string to, string? etlArgs, CancellationToken ct) =>
        PostJsonAsync<EtlCopyResultDto>(OaisRoutes.EtlCopyPath(etl), Json(new EtlCopyRequest(from, to, etlArgs)), ct);

    public Task<JobDetailsDto> StartJobAsync(JobStartRequest job, CancellationToken ct) =>
        PostJsonAsync<JobDetailsDto>(OaisRoutes.StartEtlJobPath(), Json(job), ct);

    public async Task<IReadOnlyList<JobSummaryDto>> ListJobsAsync(CancellationToken ct) =>
        (await GetJsonAsync<JobListDto>(OaisRoutes.JobsPath(), ct)).Jobs;

    /// <summary>
    /// The job's status; with <paramref name="wait"/> the server answers as soon as the job is no longer running, or
    /// when the wait is over (a long poll: no busy polling, and no answer later than the job's end).
    /// </summary>
    public Task<JobDetailsDto> GetJobAsync(string id, TimeSpan? wait, CancellationToken ct) =>
        GetJsonAsync<JobDetailsDto>(OaisRoutes.WithQuery(OaisRoutes.JobPath(id),
            (OaisQuery.Wait, wait?.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture))), ct);

    public Task<JobDetailsDto> AbortJobAsync(string id, CancellationToken ct) => PostJsonAsync<JobDetailsDto>(OaisRoutes.JobAbortPath(id), null, ct);
}
