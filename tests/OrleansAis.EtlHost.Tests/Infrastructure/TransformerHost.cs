using Microsoft.AspNetCore.Builder;

namespace OrleansAis.EtlHost.Tests.Infrastructure;

/// <summary>The SDK's real server for one transformer, started in-process on a free port.</summary>
public sealed class TransformerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TransformerHost(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
        Http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseUri { get; }
    public HttpClient Http { get; }

    public static async Task<TransformerHost> StartAsync(ITransformer transformer, string? targetUrl = null, int maxConcurrency = 8)
    {
        var app = TransformerServer.Build(transformer, new TransformerServerOptions { Port = 0, TargetUrl = targetUrl, MaxConcurrency = maxConcurrency });
        await app.StartAsync();
        var port = new Uri(app.Urls.Single()).Port;
        return new TransformerHost(app, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>hpush: PUT the object, expect success, return the result.</summary>
    public async Task<byte[]> PushAsync(string path, byte[] body, string? etlArgs = null)
    {
        using var response = await Http.PutAsync(WithArgs(path, etlArgs), new ByteArrayContent(body));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    public static string WithArgs(string path, string? etlArgs) => etlArgs is null ? path : $"{path}?etl_args={Uri.EscapeDataString(etlArgs)}";

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
