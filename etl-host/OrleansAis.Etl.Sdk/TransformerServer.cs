using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansAis.Etl.Sdk;

/// <summary>
/// Serves one <see cref="ITransformer"/> the way OrleansAis silos talk to transformers:
/// <c>GET /health</c>; hpush (<c>PUT /{bucket}/{object}</c> with the bytes); hpull and hrev (<c>GET /{bucket}/{object}</c>,
/// the host fetches the raw object from AIS_TARGET_URL); ws (<c>/ws</c>); direct put (<c>Ais-Node-Url</c>);
/// fqn (<c>etl_fqn</c>); and <c>--stdio</c> for io://.
/// </summary>
public static class TransformerServer
{
    /// <summary>The one-line entry point: <c>return await TransformerServer.RunAsync(new MyTransformer(), args);</c></summary>
    public static async Task<int> RunAsync(ITransformer transformer, string[] args)
    {
        var options = TransformerServerOptions.Parse(args);
        if (options.Stdio) return await StdioTransform.RunAsync(transformer, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error);
        await using var app = Build(transformer, options);
        await app.RunAsync();
        return 0;
    }

    /// <summary>The web app serving <paramref name="transformer"/> (not started).</summary>
    public static WebApplication Build(ITransformer transformer, TransformerServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://0.0.0.0:{options.Port}");
        // Objects can be any size; they stream through, never into memory.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(new TransformDispatcher(transformer, options));
        var app = builder.Build();
        app.UseWebSockets();
        var log = app.Logger;
        log.LogWarning("etl-host serving {Transformer} on port {Port} (hpush, hpull, hrev, ws; max {Concurrency} at once)",
            transformer.GetType().Name, options.Port, options.MaxConcurrency);
        app.MapGet("/health", () => Results.Text("Running"));
        app.Map("/ws", (HttpContext context, TransformDispatcher dispatcher) => WebSocketTransforms.ServeAsync(context, dispatcher, log));
        app.MapPut("/{**path}", (HttpContext context, TransformDispatcher dispatcher) => HttpTransforms.PushAsync(context, dispatcher, log));
        app.MapGet("/{**path}", (HttpContext context, TransformDispatcher dispatcher) => HttpTransforms.PullAsync(context, dispatcher, log));
        return app;
    }
}
