using Microsoft.Extensions.DependencyInjection;

namespace OrleansAis.Client;

public static class OaisClientServiceCollectionExtensions
{
    /// <summary>Registers <see cref="OaisClient"/> over the host's Orleans client (add <c>UseOrleansClient</c> too).</summary>
    public static IServiceCollection AddOaisClient(this IServiceCollection services, Action<OaisClientOptions>? configure = null)
    {
        var options = services.AddOptions<OaisClientOptions>();
        if (configure is not null) options.Configure(configure);
        services.AddHttpClient(OwnerHttpTransport.HttpClientName)
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<OaisClient>();
        return services;
    }
}
