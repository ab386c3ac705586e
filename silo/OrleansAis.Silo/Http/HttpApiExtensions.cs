using System.Net;
using OrleansAis.Silo.Http.S3;

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
        // Request bodies bound by minimal APIs use the same snake_case names as the responses.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = AisJson.Options.PropertyNamingPolicy;
            o.SerializerOptions.PropertyNameCaseInsensitive = true;
        });
        services.AddSingleton<OwnerRouting>();
        services.AddSingleton<Etl.InlineTransform>();
        services.AddS3Api();
        return services;
    }

    public static IEndpointRouteBuilder MapOaisHttpApi(this IEndpointRouteBuilder app)
    {
        ClusterEndpoints.Map(app);
        Ais.BucketEndpoints.Map(app);
        Ais.ObjectEndpoints.Map(app);
        Etl.EtlEndpoints.Map(app);
        Jobs.JobEndpoints.Map(app);
        app.MapS3Api(); // the fallback route: everything above wins where both match
        return app;
    }
}
