using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;
using OrleansAis.Silo.Http.S3.Auth;
using OrleansAis.Silo.Http.S3.Operations;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.S3;

/// <summary>
/// The S3-compatible API (path-style) on the silo's HTTP port: <c>/</c>, <c>/{bucket}</c>, <c>/{bucket}/{key...}</c>.
/// It is the fallback route: paths whose first segment belongs to the rest of the HTTP API (<see cref="ReservedFirstSegments"/>)
/// never reach it, so buckets with those names cannot be used over S3.
/// </summary>
public static class S3Api
{
    public static readonly IReadOnlySet<string> ReservedFirstSegments =
        new HashSet<string>(["v1", "dashboard", "metrics"], StringComparer.OrdinalIgnoreCase);

    public static IServiceCollection AddS3Api(this IServiceCollection services)
    {
        services.AddOptions<S3Options>().BindConfiguration(S3Options.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<S3Options>, S3Options.Validator>();
        services.AddOptions<S3MultipartOptions>().BindConfiguration(S3MultipartOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<S3MultipartOptions>, S3MultipartOptions.Validator>();
        services.AddHostedService<AbandonedUploadSweeper>();
        services.AddSingleton<S3KeyRing>();
        services.AddHostedService(sp => sp.GetRequiredService<S3KeyRing>());
        services.AddSingleton<S3Authenticator>();
        services.AddSingleton<S3Addressing>();
        services.AddSingleton<BucketOperations>();
        services.AddSingleton<ListObjectsOperation>();
        services.AddSingleton<DeleteObjectsOperation>();
        services.AddSingleton<CopyOperations>();
        services.AddSingleton<ObjectOperations>();
        services.AddSingleton<MultipartOperations>();
        services.AddSingleton<AclOperation>();
        services.AddSingleton<S3Dispatcher>();
        return services;
    }

    public static IEndpointRouteBuilder MapS3Api(this IEndpointRouteBuilder app)
    {
        // A catch-all at the root has the lowest precedence, so every other endpoint wins where both match.
        var pattern = RoutePatternFactory.Parse("/{**s3path}", defaults: null, parameterPolicies: new { s3path = new NotReservedConstraint() });
        app.Map(pattern, context => context.RequestServices.GetRequiredService<S3Dispatcher>().HandleAsync(context))
            .WithDisplayName("S3 API");
        return app;
    }

    /// <summary>Keeps the S3 route off the paths of the rest of the HTTP API, whatever the method.</summary>
    private sealed class NotReservedConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
        {
            var path = values.TryGetValue(routeKey, out var value) ? value?.ToString() ?? "" : "";
            var slash = path.IndexOf('/');
            return !ReservedFirstSegments.Contains(slash < 0 ? path : path[..slash]);
        }
    }
}
