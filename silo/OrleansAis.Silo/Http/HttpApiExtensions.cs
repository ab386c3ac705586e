using System.Net;
using OrleansAis.Hosting;
using OrleansAis.Http.Contracts;
using OrleansAis.Silo.Http.S3;

namespace OrleansAis.Silo.Http;

public static class HttpApiExtensions
{
    public static IServiceCollection AddOaisHttpApi(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section).ValidateOnStartWith<ProxyOptions, ProxyOptions.Validator>();
        services.AddHttpClient(OwnerRouting.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectTimeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProxyOptions>>().Value.ConnectTimeout,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        // Request bodies bound by minimal APIs use the same snake_case names as the responses.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = OaisJson.Options.PropertyNamingPolicy;
            o.SerializerOptions.PropertyNameCaseInsensitive = true;
        });
        // Binding failures throw, so BadRequestMiddleware can answer them with a JSON error naming the parameter.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddSingleton<OwnerRouting>();
        services.AddSingleton<CopySource>();
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
        Follow.FollowEndpoints.Map(app);
        Events.EventEndpoints.Map(app);
        // A /v1 path that names no endpoint (or, after '..' removal, resolves to none) gets an error naming it.
        app.MapFallback(OaisRoutes.Unmatched, context =>
        {
            var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value;
            return AisJson.Error(OaisErrorCode.NoSuchEndpoint,
                $"no endpoint for {context.Request.Method} {target} (resolved to {context.Request.Path})").ExecuteAsync(context);
        });
        app.MapS3Api(); // the fallback route: everything above wins where both match
        return app;
    }

    /// <summary>Middleware of the HTTP API: must run before the endpoints.</summary>
    public static IApplicationBuilder UseOaisHttpApi(this IApplicationBuilder app) => app.UseMiddleware<BadRequestMiddleware>();
}
