using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansAis.Hosting;
using OrleansAis.Storage;

namespace OrleansAis.Follow;

public static class FollowServiceCollectionExtensions
{
    /// <summary>
    /// Transform-on-write on this node: the write and delete hooks, the queue and its workers, the reconcile pass and
    /// the metrics. Options bind from the "Follow" section. Register after the other write hooks: it only queues.
    /// </summary>
    public static IServiceCollection AddOaisFollow(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<FollowOptions>().Bind(config.GetSection(FollowOptions.Section))
            .ValidateOnStartWith<FollowOptions, FollowOptions.Validator>();
        services.AddSingleton<FollowRules>();
        services.AddSingleton<FollowQueue>();
        services.AddSingleton<FollowSync>();
        services.AddSingleton<FollowMetrics>();
        services.AddSingleton<FollowHooks>();
        services.AddSingleton<IWriteObserver>(sp => sp.GetRequiredService<FollowHooks>());
        services.AddSingleton<IDeleteObserver>(sp => sp.GetRequiredService<FollowHooks>());
        services.AddSingleton<FollowService>();
        services.AddHostedService(sp => sp.GetRequiredService<FollowService>());
        return services;
    }
}
