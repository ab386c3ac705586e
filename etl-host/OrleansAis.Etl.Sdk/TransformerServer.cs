using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Connections;
using OrleansAis.Etl.Protocol.Transport;

namespace OrleansAis.Etl.Sdk;

/// <summary>
/// Serves one <see cref="ITransformer"/> the way OrleansAis silos talk to transformers, all on one port:
/// <c>GET /health</c>; hpush (<c>PUT /{bucket}/{object}</c> with the bytes); hpull and hrev (<c>GET /{bucket}/{object}</c>,
/// the host fetches the raw object from AIS_TARGET_URL); ws (<c>/ws</c>); direct put (<c>Ais-Node-Url</c>);
/// fqn (<c>etl_fqn</c>). With <c>--stdio</c> it transforms stdin to stdout instead (io://).
/// </summary>
public static class TransformerServer
{
    /// <summary>The exit code of a transformer that ended because the silo that started it is gone.</summary>
    public const int ParentGoneExitCode = 3;

    /// <summary>The one-line entry point: <c>return await TransformerServer.RunAsync(new MyTransformer(), args);</c></summary>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(ITransformer transformer, string[] args)
    {
        TransformerServerOptions options;
        try
        {
            options = TransformerServerOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        ParentWatch.Start(pid =>
        {
            Console.Error.WriteLine($"transformer: the silo that started it (pid {pid}) is gone; exiting");
            Environment.Exit(ParentGoneExitCode);
        });
        if (options.Stdio)
        {
            await using var stdin = Console.OpenStandardInput();
            await using var stdout = Console.OpenStandardOutput();
            return await StdioTransform.RunAsync(transformer, stdin, stdout, Console.Error);
        }
        await using var app = Build(transformer, options);
        await app.RunAsync();
        return 0;
    }

    /// <summary>The web app serving <paramref name="transformer"/>, not yet started (tests start it on port 0).</summary>
    public static WebApplication Build(ITransformer transformer, TransformerServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // TCP for health checks and hpull clients; the silo's own requests take the Unix socket when it asked for one.
        string[] urls = options.SocketPath is { } socket ? [$"http://0.0.0.0:{options.Port}", $"http://unix:{socket}"] : [$"http://0.0.0.0:{options.Port}"];
        if (options.SocketPath is { } stale) File.Delete(stale); // a crashed predecessor's socket would fail the bind
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Objects can be any size; they stream through, never into memory.
            kestrel.Limits.MaxRequestBodySize = null;
            // A result is written in large pieces; a 64 KiB response buffer would stall each one on the socket.
            kestrel.Limits.MaxResponseBufferSize = 1 << 20;
            kestrel.UseLargeUnixSendBuffers();
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        // The transformer's log (the silo shows it per ETL) keeps its own lines; ASP.NET's chatter only from warnings up.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(new LargeBlockMemoryPoolFactory(LargeBlockMemoryPoolFactory.TransformerBlockBytes));
        builder.Services.AddSingleton(new TransformDispatcher(transformer, options));
        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("etl-host");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Started means bound: the port is ours now, so reporting it cannot hand the silo a port someone else holds.
            if (options.PortFile is { } portFile && !PortReport.TryWrite(portFile, PortReport.TcpPort(app.Urls), log))
            {
                app.Lifetime.StopApplication(); // unreported, the port is unknown to the silo: exit with the reason in the log
                return;
            }
            log.LogInformation("serving {Transformer} on {Urls} over hpush, hpull, hrev and ws; at most {MaxConcurrency} transforms at once",
                transformer.GetType().Name, string.Join(", ", app.Urls), options.MaxConcurrency);
        });
        app.UseWebSockets();
        app.MapGet("/health", () => Results.Text("Running"));
        app.Map("/ws", (HttpContext context, TransformDispatcher dispatcher) => WebSocketTransforms.ServeAsync(context, dispatcher, log));
        app.MapPut("/{**path}", (HttpContext context, TransformDispatcher dispatcher) => HttpTransforms.PushAsync(context, dispatcher, log));
        app.MapGet("/{**path}", (HttpContext context, TransformDispatcher dispatcher) => HttpTransforms.PullAsync(context, dispatcher, log));
        return app;
    }
}
