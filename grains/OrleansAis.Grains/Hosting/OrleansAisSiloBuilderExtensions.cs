using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansAis.Buckets;
using OrleansAis.Cluster;
using OrleansAis.Consistency;
using Orleans.Configuration;
using OrleansAis.Etl;
using OrleansAis.Etl.DataPlane;
using OrleansAis.Etl.Endpoints;
using OrleansAis.Etl.Lifecycle;
using OrleansAis.Etl.Runtimes;
using OrleansAis.Events;
using OrleansAis.Follow;
using OrleansAis.Jobs;
using OrleansAis.Mirroring;
using OrleansAis.Objects;
using OrleansAis.Persistence;
using OrleansAis.Placement;
using OrleansAis.Rebalancing;
using OrleansAis.Status;
using OrleansAis.Storage;

namespace OrleansAis.Hosting;

public static class OrleansAisSiloBuilderExtensions
{
    /// <summary>
    /// Makes this silo a storage node: its identity (published as silo metadata), the local object store, owner and
    /// node-pinned placement, rebalancing, the registries' storage, and its ETL host. Options bind from the "Node",
    /// "Store", "ClusterState", "Etl" and "Jobs" configuration sections; the delegates run after binding.
    /// </summary>
    public static ISiloBuilder AddOrleansAis(
        this ISiloBuilder silo,
        Action<NodeOptions>? node = null,
        Action<StoreOptions>? store = null,
        Action<FileGrainStorageOptions>? clusterState = null,
        Action<EtlOptions>? etl = null)
    {
        var config = silo.Configuration;
        var nodeOptions = new NodeOptions();
        config.GetSection(NodeOptions.Section).Bind(nodeOptions);
        node?.Invoke(nodeOptions);
        // Identity is needed now: it goes into the silo metadata that every other silo hashes over.
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [NodeMetadata.NodeId] = nodeOptions.RequiredId,
            [NodeMetadata.HttpUrl] = nodeOptions.HttpUrl ?? "",
        });

        var services = silo.Services;
        // Membership rows carry the silo name, so naming silos by node id tells every node (even one started later)
        // which node a dead incarnation was: its share is unavailable, not absent (ClusterSnapshot.Down).
        services.Configure<SiloOptions>(o => o.SiloName = nodeOptions.RequiredId);
        // Every section is validated when the silo starts (each options class's Validator, naming the bad key).
        services.AddSingleton(Options.Create(nodeOptions));
        // The identity is built above (IOptions<NodeOptions> is that instance); startup validation reads a copy of it.
        services.AddOptions<NodeOptions>().Configure(o => (o.Id, o.HttpUrl) = (nodeOptions.Id, nodeOptions.HttpUrl))
            .ValidateOnStartWith<NodeOptions, NodeOptions.Validator>();
        var storeOptions = services.AddOptions<StoreOptions>().Bind(config.GetSection(StoreOptions.Section))
            .ValidateOnStartWith<StoreOptions, StoreOptions.Validator>();
        if (store is not null) storeOptions.Configure(store);
        var stateOptions = services.AddOptions<FileGrainStorageOptions>().Bind(config.GetSection(FileGrainStorageOptions.Section))
            .ValidateOnStartWith<FileGrainStorageOptions, FileGrainStorageOptions.Validator>();
        if (clusterState is not null) stateOptions.Configure(clusterState);

        services.AddOptions<RebalanceOptions>().Bind(config.GetSection(RebalanceOptions.Section))
            .ValidateOnStartWith<RebalanceOptions, RebalanceOptions.Validator>();
        services.AddOptions<StatusOptions>().Bind(config.GetSection(StatusOptions.Section))
            .ValidateOnStartWith<StatusOptions, StatusOptions.Validator>();
        services.AddSingleton<NodeCalls>();
        services.AddSingleton<EtlStatusView>();
        services.AddSingleton<JobStatusView>();
        services.AddSingleton<StatusReader>();
        var etlOptions = services.AddOptions<EtlOptions>().Bind(config.GetSection(EtlOptions.Section))
            .ValidateOnStartWith<EtlOptions, EtlOptions.Validator>();
        if (etl is not null) etlOptions.Configure(etl);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StoreMetrics>();
        services.AddSingleton<Mirrors>();
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<EventPublisher>());
        services.AddSingleton<ObjectEvents>();
        // Write hooks, in order: the off-owner nudge never fails; mirroring may fail the write; the event goes out last.
        services.AddSingleton<RebalanceRequests>();
        services.AddSingleton<IWriteObserver, OffOwnerWrites>();
        services.AddSingleton<IWriteObserver>(sp => sp.GetRequiredService<Mirrors>());
        services.AddSingleton<IWriteObserver>(sp => sp.GetRequiredService<ObjectEvents>());
        services.AddSingleton<IDeleteObserver>(sp => sp.GetRequiredService<ObjectEvents>());
        services.AddOaisFollow(config); // transform-on-write queues after the event: it never fails a write either
        services.AddSingleton<LocalObjectStore>();
        services.AddSingleton<MultipartUploads>();
        services.AddSingleton<OwnerReads>();
        services.AddSingleton<ClusterMap>();
        services.AddSingleton<BucketCatalog>();
        services.AddSingleton<ObjectMover>();
        services.AddSingleton<RebalanceMetrics>();
        services.AddSingleton<Rebalancer>();
        services.AddHostedService(sp => sp.GetRequiredService<Rebalancer>());
        services.AddOptions<ConsistencyOptions>().Bind(config.GetSection(ConsistencyOptions.Section))
            .ValidateOnStartWith<ConsistencyOptions, ConsistencyOptions.Validator>();
        services.AddSingleton<Reconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<Reconciler>());

        services.AddSingleton<EtlMetrics>();
        services.AddSingleton<IEtlRuntime>(CreateEtlRuntime);
        services.TryAddSingleton<LocalSocketDirectory>(); // the silo host may have made it first, to listen on its socket
        services.AddSingleton<NodeEtls>();
        services.AddSingleton<TransformerEndpoints>();
        services.AddSingleton<TransformerPorts>();
        services.AddSingleton<IoProbe>();
        services.AddSingleton<TransformerLauncher>();
        services.AddSingleton<PipelineInputs>();
        services.AddSingleton<EtlDataPlane>();
        services.AddSingleton<EtlLifecycle>();
        services.AddSingleton<EtlCopier>();
        services.AddOptions<JobOptions>().Bind(config.GetSection(JobOptions.Section))
            .ValidateOnStartWith<JobOptions, JobOptions.Validator>();
        services.AddSingleton<NodeJobRunner>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, EtlStartup>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, JobResumeStartup>();

        silo.AddPlacementDirector<OwnerPlacement, OwnerPlacementDirector>();
        silo.AddPlacementDirector<NodePinnedPlacement, NodePinnedPlacementDirector>();

        // The host may register another provider under this name first (e.g. Redis for multi-machine clusters).
        if (!HasGrainStorage(services, BucketRegistryGrain.StorageName))
        {
            services.AddGrainStorage(BucketRegistryGrain.StorageName, (sp, _) =>
            {
                var state = sp.GetRequiredService<IOptions<FileGrainStorageOptions>>().Value;
                var data = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
                return FileGrainStorage.Create(sp, state.Directory ?? Path.Combine(data.DataDirectory, "cluster-state"));
            });
        }
        AddEventStreams(silo);
        return silo;
    }

    private static bool HasGrainStorage(IServiceCollection services, string name) =>
        services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, name));

    /// <summary>
    /// Orleans memory streams carry the events (docs/EVENTS.md); who subscribes to what is kept with the registries, so
    /// subscriptions outlive the silo that happened to hold them.
    /// </summary>
    private static void AddEventStreams(ISiloBuilder silo)
    {
        silo.AddMemoryStreams(OaisStreams.Provider);
        if (!HasGrainStorage(silo.Services, OaisStreams.PubSubStorage))
        {
            silo.Services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>(OaisStreams.PubSubStorage,
                (sp, _) => sp.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(BucketRegistryGrain.StorageName));
        }
    }

    /// <summary>Etl:Runtime — docker, process, or auto (Docker when its engine answers, else local processes).</summary>
    private static IEtlRuntime CreateEtlRuntime(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<EtlOptions>>().Value;
        var useDocker = options.Runtime switch
        {
            EtlRuntimeKind.Docker => true,
            EtlRuntimeKind.Process => false,
            // Decided once, when the silo starts: a silo keeps one runtime for its lifetime.
            _ => DockerRuntime.IsEngineReachableAsync(options.DockerEndpoint, TimeSpan.FromSeconds(2)).GetAwaiter().GetResult(),
        };
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansAis.Etl");
        if (useDocker)
        {
            log.LogInformation("ETL transformers run as Docker containers");
            return ActivatorUtilities.CreateInstance<DockerRuntime>(services);
        }
        log.LogInformation("ETL transformers run as local processes");
        var runtime = ActivatorUtilities.CreateInstance<ProcessRuntime>(services);
        runtime.StateDirectory = services.GetRequiredService<IOptions<StoreOptions>>().Value.DataDirectory;
        return runtime;
    }
}
