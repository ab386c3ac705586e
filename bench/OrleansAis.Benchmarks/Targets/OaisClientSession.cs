using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansAis.Benchmarks.Hosting;
using OrleansAis.Client;

namespace OrleansAis.Benchmarks.Targets;

/// <summary>
/// A connected <see cref="OaisClient"/>, set up exactly as the README tells an embedding app to (a generic host with
/// the Orleans client and <c>AddOaisClient</c>), with the object transport under test.
/// </summary>
public sealed class OaisClientSession : IAsyncDisposable
{
    private readonly IHost _host;

    private OaisClientSession(IHost host) => _host = host;

    public OaisClient Client => _host.Services.GetRequiredService<OaisClient>();

    public static async Task<OaisClientSession> ConnectAsync(SiloServer silo, ObjectTransport transport, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
            client.UseLocalhostClustering(gatewayPort: silo.GatewayPort, serviceId: SiloServer.ServiceId, clusterId: SiloServer.ClusterId));
        builder.Services.AddOaisClient(options => options.Transport = transport);
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
            return new OaisClientSession(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
