using System.Runtime.CompilerServices;
using System.Text.Json;

namespace OrleansAis.Http.Contracts;

/// <summary>One server-sent event of <c>GET /v1/events</c>: its kind (<see cref="OaisEventKinds"/>) and its JSON data.</summary>
public sealed record ServerSentEvent(string Kind, string Data)
{
    public T As<T>() => JsonSerializer.Deserialize<T>(Data, OaisJson.Options)
        ?? throw new JsonException($"event {Kind}: empty data");
}

public sealed partial class OaisHttpClient
{
    /// <summary>
    /// Follows one bucket's, ETL's or job's events (<paramref name="subject"/> is <see cref="OaisQuery.Bucket"/>,
    /// <see cref="OaisQuery.Etl"/> or <see cref="OaisQuery.Job"/>) until cancelled or, for a job, until its final state.
    /// The first event is <see cref="OaisEventKinds.Subscribed"/>: from then on nothing is missed but what the server
    /// reports as <see cref="OaisEventKinds.Lost"/>. The <see cref="HttpClient"/> must not time out the response.
    /// </summary>
    public async IAsyncEnumerable<ServerSentEvent> FollowEventsAsync(string subject, string value, [EnumeratorCancellation] CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, OaisRoutes.EventsPath(subject, value));
        using var response = await SendAsync(request, ct, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        string? kind = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (kind is not null) yield return new ServerSentEvent(kind, string.Join('\n', data));
                (kind, data) = (null, []);
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal)) kind = line[6..].TrimStart();
            else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Add(line[5..].TrimStart());
            // ':' lines are keep-alive comments; "id:" and "retry:" are not used by this API
        }
    }
}
