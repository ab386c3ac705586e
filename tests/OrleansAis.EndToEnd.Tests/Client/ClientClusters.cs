using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansAis.Client;
using OrleansAis.Client.Events;
using OrleansAis.EndToEnd.Tests.Etl;

namespace OrleansAis.EndToEnd.Tests.Client;

/// <summary>
/// Three real silos (transformers as local processes) and the .NET client on both transports: over HTTP with nothing
/// but an endpoint, and over grain calls through an Orleans client connected to every gateway.
/// </summary>
public class ClientCluster : ProcessEtlCluster, IAsyncLifetime
{
    private IHost? _orleans;

    public ClientCluster() : base(3) { }

    /// <summary>Counts the redirects the HTTP client was answered with ("not mine").</summary>
    public RedirectCounter Redirects { get; } = new(OaisClient.CreateHttpHandler());

    public OaisClient HttpClient { get; private set; } = null!;
    public OaisClient GrainClient { get; private set; } = null!;

    public OaisClient Client(ObjectTransport transport) => transport == ObjectTransport.Grain ? GrainClient : HttpClient;

    /// <summary>How old the HTTP client's node list may get; long in tests that must see membership changes through redirects.</summary>
    protected virtual TimeSpan ClusterRefreshInterval => TimeSpan.FromSeconds(5);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        HttpClient = new OaisClient(Endpoint, new OaisClientOptions { ClusterRefreshInterval = ClusterRefreshInterval },
            new HttpClient(Redirects) { Timeout = Timeout.InfiniteTimeSpan });
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var gateways = Silos.Select(s => s.GatewayPort).ToArray();
        builder.UseOrleansClient(c => c.UseLocalhostClustering(gateways, serviceId: "oais", clusterId: "oais").AddOaisEvents());
        builder.Services.AddOaisClient(o => o.Transport = ObjectTransport.Grain);
        _orleans = builder.Build();
        await _orleans.StartAsync();
        GrainClient = _orleans.Services.GetRequiredService<OaisClient>();
    }

    public new async Task DisposeAsync()
    {
        HttpClient?.Dispose();
        if (_orleans is not null)
        {
            await _orleans.StopAsync();
            _orleans.Dispose();
        }
        await base.DisposeAsync();
    }
}

/// <summary>Three silos whose HTTP client only reloads its node list when a node says "not mine".</summary>
public sealed class MembershipClientCluster : ClientCluster
{
    protected override TimeSpan ClusterRefreshInterval => TimeSpan.FromHours(1);
}

public sealed class RedirectCounter(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private long _redirects;
    private long _requests;

    public long Redirects => Interlocked.Read(ref _redirects);
    public long Requests => Interlocked.Read(ref _requests);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Interlocked.Increment(ref _requests);
        if ((int)response.StatusCode is >= 300 and < 400) Interlocked.Increment(ref _redirects);
        return response;
    }
}
