using System.Globalization;
using System.Net.Http.Json;

namespace OrleansAis.Cli.Http;

/// <summary>The offline job endpoints: start, list, status (with the long poll), abort.</summary>
internal sealed partial class OaisApi
{
    public Task<JobDetails> StartJobAsync(JobStartRequest job, CancellationToken ct) =>
        PostJsonAsync<JobDetails>(EtlUrls.StartJob, JsonContent.Create(job, options: ApiJson.Options), ct);

    public async Task<IReadOnlyList<JobSummary>> ListJobsAsync(CancellationToken ct) =>
        (await GetJsonAsync<JobSummaryList>(EtlUrls.Jobs, ct)).Jobs;

    /// <summary>
    /// The job's status; with <paramref name="wait"/> the server answers as soon as the job is no longer running, or
    /// when the wait is over (a long poll: no busy polling, and no answer later than the job's end).
    /// </summary>
    public Task<JobDetails> GetJobAsync(string id, TimeSpan? wait, CancellationToken ct) =>
        GetJsonAsync<JobDetails>(ObjectUrls.WithQuery(EtlUrls.Job(id),
            ("wait", wait?.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture))), ct);

    public Task<JobDetails> AbortJobAsync(string id, CancellationToken ct) => PostJsonAsync<JobDetails>(EtlUrls.Job(id) + "/abort", null, ct);
}
