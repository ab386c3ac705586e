using System.Net;
using System.Runtime.CompilerServices;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Loader.Http;

/// <summary>The setup and teardown calls of a run: bucket, listing, ETL. Failures throw <see cref="ApiException"/>.</summary>
internal sealed class ClusterApi(EndpointRotation endpoints, TimeSpan timeout)
{
    public Task<bool> BucketExistsAsync(string bucket, CancellationToken ct) =>
        CallAsync($"HEAD bucket {bucket}", retryElsewhere: true, (api, token) => api.BucketExistsAsync(bucket, token), ct);

    /// <summary>Creates the bucket; false when it already existed (someone else created it meanwhile).</summary>
    public Task<bool> CreateBucketAsync(string bucket, CancellationToken ct) =>
        CallAsync($"create bucket {bucket}", retryElsewhere: true, async (api, token) =>
        {
            try
            {
                await api.CreateBucketAsync(bucket, properties: null, token);
                return true;
            }
            catch (OaisApiException e) when (e.Status == HttpStatusCode.Conflict)
            {
                return false;
            }
        }, ct);

    /// <summary>Deletes an empty bucket; false when it still holds objects (not the loader's to delete).</summary>
    public Task<bool> DeleteBucketAsync(string bucket, CancellationToken ct) =>
        CallAsync($"delete bucket {bucket}", retryElsewhere: true, async (api, token) =>
        {
            try
            {
                await api.DeleteBucketAsync(bucket, force: false, token);
                return true;
            }
            catch (OaisApiException e) when (e.Status is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
            {
                return e.Status == HttpStatusCode.NotFound;
            }
        }, ct);

    public async IAsyncEnumerable<ObjectEntryDto> ListAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = await CallAsync($"list bucket {bucket}", retryElsewhere: true,
                (api, t) => api.ListObjectsPageAsync(bucket, prefix, OaisQuery.MaxPageSize, token, t), ct);
            foreach (var entry in page.Entries) yield return entry;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>Initialises an ETL from its JSON spec; false when one of that name already exists.</summary>
    public Task<bool> InitEtlAsync(string specJson, CancellationToken ct) =>
        CallAsync("init ETL", retryElsewhere: false, async (api, token) =>
        {
            try
            {
                await api.InitEtlAsync(specJson, token);
                return true;
            }
            catch (OaisApiException e) when (e.Status == HttpStatusCode.Conflict)
            {
                return false;
            }
        }, ct);

    /// <summary>The ETL as the cluster reports it, or null when there is no such ETL.</summary>
    public Task<EtlDetailsDto?> EtlStatusAsync(string name, CancellationToken ct) =>
        CallAsync<EtlDetailsDto?>($"view ETL {name}", retryElsewhere: true, async (api, token) =>
        {
            try
            {
                return await api.GetEtlAsync(name, token);
            }
            catch (OaisApiException e) when (e.Status == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, ct);

    public Task DeleteEtlAsync(string name, CancellationToken ct) =>
        CallAsync($"delete ETL {name}", retryElsewhere: true, async (api, token) =>
        {
            try
            {
                await api.DeleteEtlAsync(name, token);
            }
            catch (OaisApiException e) when (e.Status == HttpStatusCode.NotFound)
            {
            }
            return true;
        }, ct);

    /// <summary>
    /// Calls the next endpoint, each attempt bounded by the timeout, moving on to the others when one cannot be reached
    /// (any silo serves any request); when none answers, or one says no, an <see cref="ApiException"/> says why.
    /// A request with a body is not retried elsewhere: the failed attempt consumed it.
    /// </summary>
    private async Task<T> CallAsync<T>(string what, bool retryElsewhere, Func<OaisHttpClient, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        var failures = new List<string>();
        for (var attempt = 0; attempt < endpoints.All.Count; attempt++)
        {
            var api = endpoints.Next();
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeoutSource.CancelAfter(timeout);
            try
            {
                return await call(api, timeoutSource.Token);
            }
            catch (OaisApiException e)
            {
                var (kind, detail) = ErrorKinds.FromApiError(e);
                throw new ApiException($"{what}: {kind}: {detail}");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failures.Add($"{api.Endpoint}: no answer within {timeout.TotalSeconds:0.#}s");
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{api.Endpoint}: {ErrorKinds.FromException(e)} ({ErrorKinds.Describe(e)})");
            }
            if (!retryElsewhere) break;
        }
        throw new ApiException($"{what}: {string.Join("; ", failures)}");
    }
}
