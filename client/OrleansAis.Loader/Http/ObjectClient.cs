using OrleansAis.Http.Contracts;

namespace OrleansAis.Loader.Http;

/// <summary>
/// PUT, GET and DELETE of objects of one bucket, each on the next endpoint, each bounded by the request timeout,
/// each turned into a <see cref="RequestOutcome{T}"/>. Bodies stream both ways.
/// </summary>
internal sealed class ObjectClient(EndpointRotation endpoints, string bucket, TimeSpan timeout)
{
    /// <summary>Reads a GET's body from the stream; returns the bytes read and what it found.</summary>
    public delegate Task<(long Bytes, T Value)> BodyReader<T>(HttpResponseMessage response, Stream body, CancellationToken ct);

    public Task<RequestOutcome<bool>> PutAsync(string name, HttpContent content, IReadOnlyDictionary<string, string> custom, string expectedChecksum,
        CancellationToken abort) =>
        SendAsync(async (api, ct) =>
        {
            await api.PutObjectAsync(bucket, name, content, custom, expectedChecksum, ct);
            return (content.Headers.ContentLength ?? 0, true);
        }, abort);

    public Task<RequestOutcome<T>> GetAsync<T>(string name, string? etlName, BodyReader<T> reader, CancellationToken abort) =>
        SendAsync(async (api, ct) =>
        {
            await using var download = etlName is null
                ? await api.GetObjectAsync(bucket, name, range: null, ct)
                : await api.GetTransformedAsync(etlName, bucket, name, etlArgs: null, ct);
            return await reader(download.Response, download.Content, ct);
        }, abort);

    public Task<RequestOutcome<bool>> DeleteAsync(string name, CancellationToken abort) =>
        SendAsync(async (api, ct) =>
        {
            await api.DeleteObjectAsync(bucket, name, ct);
            return (0L, true);
        }, abort);

    private async Task<RequestOutcome<T>> SendAsync<T>(Func<OaisHttpClient, CancellationToken, Task<(long Bytes, T Value)>> request, CancellationToken abort)
    {
        var api = endpoints.Next();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(abort);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var (bytes, value) = await request(api, timeoutSource.Token);
            return RequestOutcome<T>.Success(bytes, value, api.Endpoint);
        }
        catch (OaisApiException e)
        {
            var (kind, detail) = ErrorKinds.FromApiError(e);
            return RequestOutcome<T>.Failure(kind, detail, api.Endpoint);
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            return RequestOutcome<T>.Failure(ErrorKinds.Timeout, $"no complete answer within {timeout.TotalSeconds:0.#}s", api.Endpoint);
        }
        catch (OperationCanceledException)
        {
            return RequestOutcome<T>.Failure(ErrorKinds.Aborted, "the run was interrupted", api.Endpoint);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return RequestOutcome<T>.Failure(ErrorKinds.FromException(e), ErrorKinds.Describe(e), api.Endpoint);
        }
    }
}
