using System.Net;

namespace OrleansAis.Silo.Http;

public static class HttpApiExtensions
{
    public static IServiceCollection AddOaisHttpApi(this IServiceCollection services)
    {
        services.AddHttpClient(OwnerRouting.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<OwnerRouting>();
        services.AddSingleton<Etl.InlineTransform>();
        return services;
    }

    public static IEndpointRouteBuilder MapOaisHttpApi(this IEndpointRouteBuilder app)
    {
        ClusterEndpoints.Map(app);
        Etl.EtlEndpoints.Map(app);
        return app;
    }
}
