using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansAis.Client;

public static class OaisClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OaisClient"/> over the host's Orleans client (add <c>UseOrleansClient</c> too), with options
    /// from the <c>OaisClient</c> configuration section, then <paramref name="configure"/>; bad options fail at start.
    /// </summary>
    public static IServiceCollection AddOaisClient(this IServiceCollection services, Action<OaisClientOptions>? configure = null)
    {
        var options = services.AddOptions<OaisClientOptions>().BindConfiguration(OaisClientOptions.SectionName).ValidateOnStart();
        if (configure is not null) options.Configure(configure);
        services.AddSingleton<IValidateOptions<OaisClientOptions>, OaisClientOptionsValidator>();
        services.AddHttpClient(OaisClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(OaisClient.CreateHttpHandler)
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(sp => new OaisClient(sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<IOptions<OaisClientOptions>>(),
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetService<ILoggerFactory>()));
        return services;
    }
}
