using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansAis.EtlHost.Tests.Infrastructure;

/// <summary>
/// Stands in for a silo: serves raw objects on GET (what AIS_TARGET_URL points at) and stores PUT bodies (a direct-put
/// destination). Paths are the decoded request paths, e.g. "/etl/_target/t1/bkt/dir/a b.txt".
/// </summary>
public sealed class FakeSilo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeSilo(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;
    /// <summary>Objects served on GET, by decoded path.</summary>
    public ConcurrentDictionary<string, byte[]> Objects { get; } = new();
    /// <summary>Bodies received by PUT, by decoded path.</summary>
    public ConcurrentDictionary<string, byte[]> Received { get; } = new();
    /// <summary>The raw (still escaped) request targets of the GETs, in arrival order.</summary>
    public ConcurrentQueue<string> RawGets { get; } = new();
    /// <summary>When set, every PUT is answered with this status and message instead of being stored.</summary>
    public (int Status, string Message)? PutFailure { get; set; }

    public string Url(string path) => new Uri(BaseUri, path).ToString();

    public static async Task<FakeSilo> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Direct puts of large results (64 MiB in the contract tests) are over Kestrel's default 30 MB limit.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var silo = new FakeSilo(app);
        app.MapGet("/{**path}", silo.GetAsync);
        app.MapPut("/{**path}", silo.PutAsync);
        await app.StartAsync();
        silo.BaseUri = new Uri(app.Urls.Single() + "/");
        return silo;
    }

    private async Task GetAsync(HttpContext context)
    {
        RawGets.Enqueue(context.Features.Get<IHttpRequestFeature>()!.RawTarget);
        if (!Objects.TryGetValue(context.Request.Path.Value!, out var bytes))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync($"no such object {context.Request.Path.Value}");
            return;
        }
        await context.Response.Body.WriteAsync(bytes);
    }

    private async Task PutAsync(HttpContext context)
    {
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (PutFailure is { } failure)
        {
            context.Response.StatusCode = failure.Status;
            await context.Response.WriteAsync(failure.Message);
            return;
        }
        Received[context.Request.Path.Value!] = body.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
