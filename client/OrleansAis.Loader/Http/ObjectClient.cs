using System.Text;

namespace OrleansAis.Loader.Http;

/// <summary>
/// PUT, GET and DELETE of objects of one bucket, each on the next endpoint, each bounded by the request timeout,
/// each turned into a <see cref="RequestOutcome{T}"/>. Bodies stream both ways.
/// </summary>
internal sealed class ObjectClient(HttpClient http, EndpointRotation endpoints, string bucket, TimeSpan timeout)
{
    /// <summary>Reads a GET's body from the stream; returns the bytes read and what it found.</summary>
    public delegate Task<(long Bytes, T Value)> BodyReader<T>(HttpResponseMessage response, Stream body, CancellationToken ct);

    public Task<RequestOutcome<bool>> PutAsync(string name, HttpContent content, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken abort) =>
        SendAsync<bool>(HttpMethod.Put, ApiPaths.Object(bucket, name), content, headers, reader: null, abort);

    public Task<RequestOutcome<T>> GetAsync<T>(string name, string? etlName, BodyReader<T> reader, CancellationToken abort) =>
        SendAsync(HttpMethod.Get, ApiPaths.Object(bucket, name, etlName), content: null, headers: [], reader, abort);

    public Task<RequestOutcome<bool>> DeleteAsync(string name, CancellationToken abort) =>
        SendAsync<bool>(HttpMethod.Delete, ApiPaths.Object(bucket, name), content: null, headers: [], reader: null, abort);

    private async Task<RequestOutcome<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content,
        IEnumerable<KeyValuePair<string, string>> headers, BodyReader<T>? reader, CancellationToken abort)
    {
        var endpoint = endpoints.Next();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(abort);
        timeoutSource.CancelAfter(timeout);
        var ct = timeoutSource.Token;
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(endpoint, path)) { Content = content };
            foreach (var header in headers) request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                var (kind, detail) = ErrorKinds.FromResponse(response.StatusCode, await ReadSomeAsync(response, ct));
                return RequestOutcome<T>.Failure(kind, detail, endpoint);
            }
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            if (reader is null)
            {
                await body.CopyToAsync(Stream.Null, ct); // drain the small answer so the connection is reused
                return RequestOutcome<T>.Success(content?.Headers.ContentLength ?? 0, default, endpoint);
            }
            var (bytes, value) = await reader(response, body, ct);
            return RequestOutcome<T>.Success(bytes, value, endpoint);
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            return RequestOutcome<T>.Failure(ErrorKinds.Timeout, $"no complete answer within {timeout.TotalSeconds:0.#}s", endpoint);
        }
        catch (OperationCanceledException)
        {
            return RequestOutcome<T>.Failure(ErrorKinds.Aborted, "the run was interrupted", endpoint);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return RequestOutcome<T>.Failure(ErrorKinds.FromException(e), ErrorKinds.Describe(e), endpoint);
        }
    }

    /// <summary>The start of an error answer (error bodies are small JSON; never read a large one whole).</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[4096];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += n;
            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "";
        }
    }
}
