using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>The few HTTP calls ETL tests make, against one silo's endpoint.</summary>
public sealed class EtlHttp(HttpClient http, Uri endpoint)
{
    public async Task<HttpResponseMessage> InitAsync(string specJson) =>
        await http.PutAsync(new Uri(endpoint, "/v1/etl"), new StringContent(specJson, Encoding.UTF8, "application/json"));

    public async Task InitOkAsync(string specJson)
    {
        using var response = await InitAsync(specJson);
        Assert.True(response.IsSuccessStatusCode, $"init failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task DeleteAsync(string name)
    {
        using var response = await http.DeleteAsync(new Uri(endpoint, $"/v1/etl/{name}"));
        Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound, $"delete {name}: {(int)response.StatusCode}");
    }

    public async Task<JsonElement> ViewAsync(string name) =>
        JsonDocument.Parse(await http.GetStringAsync(new Uri(endpoint, $"/v1/etl/{name}"))).RootElement;

    public async Task CreateBucketAsync(string bucket)
    {
        using var response = await http.PutAsync(new Uri(endpoint, $"/v1/buckets/{bucket}"), null);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict, $"create bucket: {(int)response.StatusCode}");
    }

    public async Task PutAsync(string bucket, string name, HttpContent content)
    {
        using var response = await http.PutAsync(ObjectUri(bucket, name, ""), content);
        Assert.True(response.IsSuccessStatusCode, $"put {bucket}/{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public Task<HttpResponseMessage> GetTransformedAsync(string bucket, string name, string etl, string? args = null) =>
        http.GetAsync(ObjectUri(bucket, name, $"?etl_name={etl}" + (args is null ? "" : "&etl_args=" + Uri.EscapeDataString(args))),
            HttpCompletionOption.ResponseHeadersRead);

    public Task<HttpResponseMessage> StartJobAsync(object body) => http.PostAsJsonAsync(new Uri(endpoint, "/v1/jobs/etl"), body);

    /// <summary>Starts a job (it must be accepted) and waits for it to end; returns its final status.</summary>
    public async Task<JsonElement> RunJobAsync(object body)
    {
        using var start = await StartJobAsync(body);
        var text = await start.Content.ReadAsStringAsync();
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, $"job start: {(int)start.StatusCode} {text}");
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
        // Each probe is a long poll: the silo answers as soon as the job ends, so the wait needs no pause of its own.
        return await Waiting.WaitUntil(() => JobStatusAsync(id, "?wait=20"), s => s.GetProperty("state").GetString() != "Running",
            TimeSpan.FromMinutes(3), s => $"job still running: {s}", poll: TimeSpan.Zero);
    }

    public async Task<JsonElement> JobStatusAsync(string id, string query = "") =>
        JsonDocument.Parse(await http.GetStringAsync(new Uri(endpoint, $"/v1/jobs/{id}{query}"))).RootElement;

    public Uri ObjectUri(string bucket, string name, string query) =>
        new(endpoint, $"/v1/objects/{bucket}/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}{query}");

    /// <summary>A spec as JSON; <paramref name="extra"/> adds or overrides top-level fields (e.g. obj_timeout).</summary>
    public static string Spec(string name, string communication, string[] command, string argument = "",
        IReadOnlyDictionary<string, object>? extra = null, string? image = null)
    {
        var runtime = new Dictionary<string, object> { ["command"] = command };
        if (image is not null) runtime["image"] = image;
        var spec = new Dictionary<string, object>
        {
            ["name"] = name, ["communication"] = communication, ["argument"] = argument, ["runtime"] = runtime, ["init_timeout"] = "60s",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, object>()) spec[k] = v;
        return JsonSerializer.Serialize(spec);
    }
}
