using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OrleansAis.Buckets;
using OrleansAis.Cluster;
using OrleansAis.Etl;
using OrleansAis.Etl.Endpoints;
using OrleansAis.Etl.Protocol.Transport;
using OrleansAis.Hosting;
using OrleansAis.Rebalancing;
using OrleansAis.Silo.Configuration;
using OrleansAis.Silo.Http;
using OrleansAis.Storage;
using Serilog;
using StackExchange.Redis;

namespace OrleansAis.Silo.Hosting;

/// <summary>Builds the silo process: one Kestrel app hosting the Orleans silo, the HTTP API, dashboard and metrics.</summary>
public static class SiloHost
{
    /// <summary>Configuration section bound to Orleans' <see cref="ClusterMembershipOptions"/>.</summary>
    public const string MembershipSection = "Membership";

    public static WebApplication Build(string[] args)
    {
        var (rest, mountpaths) = CommandLine.ExtractMountpaths(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = rest, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration
            .AddEnvironmentVariables("OAIS_")
            .AddInMemoryCollection(mountpaths)
            .AddCommandLine(rest, CommandLine.Switches);

        var host = builder.Configuration.GetSection(SiloHostOptions.Section).Get<SiloHostOptions>() ?? new SiloHostOptions();
        builder.Services.AddOptions<SiloHostOptions>().BindConfiguration(SiloHostOptions.Section)
            .ValidateOnStartWith<SiloHostOptions, SiloHostOptions.Validator>();
        var nodeId = builder.Configuration[$"{NodeOptions.Section}:Id"] is { Length: > 0 } id ? id : host.DefaultNodeId;

        builder.Services.AddSerilog((services, log) => log
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("silo", nodeId)
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {silo} {SourceContext}: {Message:lj}{NewLine}{Exception}"));

        // Transformers on this host reach the silo over a Unix socket besides TCP (raw objects, direct puts).
        var sockets = new LocalSocketDirectory(Options.Create(builder.Configuration.GetSection(EtlOptions.Section).Get<EtlOptions>() ?? new EtlOptions()));
        builder.Services.AddSingleton(_ => sockets); // from a factory, so that the container disposes it (removing the folder)
        var http = $"http://{ListenHost(host.ListenAddress)}:{host.HttpPort}";
        builder.WebHost.UseUrls(sockets.SiloSocket is { } socket ? [http, $"http://unix:{socket}"] : [http]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Responses are written in large pieces (object bytes); a 64 KiB buffer would stall each write on the socket.
            kestrel.Limits.MaxResponseBufferSize = 1 << 20;
            kestrel.UseLargeUnixSendBuffers();
        });
        // Socket reads of 64 KiB instead of Kestrel's 4 KiB blocks.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(new LargeBlockMemoryPoolFactory(LargeBlockMemoryPoolFactory.ServerBlockBytes));
        // A graceful stop first hands this node's objects to the others (Rebalance:DrainTimeout), then stops the silo.
        var drain = builder.Configuration.GetSection(RebalanceOptions.Section).Get<RebalanceOptions>() ?? new RebalanceOptions();
        builder.Services.Configure<HostOptions>(o =>
            o.ShutdownTimeout = TimeSpan.FromSeconds(20) + (drain.DrainOnShutdown ? drain.DrainTimeout : TimeSpan.Zero));

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = host.ClusterId;
                o.ServiceId = host.ServiceId;
            });
            ConfigureClustering(silo, host);
            // Failure detection (e.g. --Membership:ProbeTimeout=00:00:02): production keeps Orleans' defaults, fault
            // tests shorten them so a killed silo is declared dead within seconds instead of tens of seconds.
            silo.Services.AddOptions<ClusterMembershipOptions>().Bind(builder.Configuration.GetSection(MembershipSection));
            silo.AddOrleansAis(node =>
                {
                    node.Id = nodeId;
                    node.HttpUrl ??= host.HttpUrl;
                },
                // Runs after the configuration binding, so an explicit Etl:EtlHostCommand still wins.
                etl: etl =>
                {
                    etl.EtlHostCommand ??= BuiltInEtlHost.Command(AppContext.BaseDirectory);
                    etl.PythonSdkPath ??= BuiltInEtlHost.PythonSdk(AppContext.BaseDirectory);
                });
            silo.AddDashboard();
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("oais-silo", serviceInstanceId: nodeId))
            .WithMetrics(metrics => metrics
            .AddMeter(StoreMetrics.MeterName, EtlMetrics.MeterName, OrleansAis.Events.EventPublisher.MeterName, "Microsoft.Orleans")
            .AddPrometheusExporter());
        builder.Services.AddOaisHttpApi();

        var app = builder.Build();
        app.UseOaisHttpApi();
        app.MapOrleansDashboard(routePrefix: "/dashboard");
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOaisHttpApi();
        return app;
    }

    private static void ConfigureClustering(ISiloBuilder silo, SiloHostOptions host)
    {
        switch (host.Clustering)
        {
            case ClusteringMode.Localhost:
                silo.UseLocalhostClustering(host.SiloPort, host.GatewayPort);
                break;
            case ClusteringMode.Development:
                var primary = ParseEndpoint(host.PrimarySiloEndpoint ?? $"127.0.0.1:{host.SiloPort}");
                silo.UseLocalhostClustering(host.SiloPort, host.GatewayPort, primary, host.ServiceId, host.ClusterId);
                break;
            case ClusteringMode.Redis:
                var redis = host.RedisConnectionString
                    ?? throw new InvalidOperationException("Silo:RedisConnectionString (--redis) is required for Redis clustering");
                silo.ConfigureEndpoints(host.AdvertisedHost, host.SiloPort, host.GatewayPort, listenOnAnyHostAddress: true);
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
                // Cluster-wide grain state must be shared by all machines: keep it in the same Redis.
                silo.AddRedisGrainStorage(BucketRegistryGrain.StorageName, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
                break;
        }
    }

    private static IPEndPoint ParseEndpoint(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], out var port))
            throw new InvalidOperationException($"'{value}' is not a host:port endpoint");
        var hostPart = value[..colon];
        var address = IPAddress.TryParse(hostPart, out var ip) ? ip : Dns.GetHostAddresses(hostPart).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        return new IPEndPoint(address, port);
    }

    private static string ListenHost(string listen) => listen is "*" or "0.0.0.0" ? "0.0.0.0" : listen;
}
