using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using OrleansAis.Client;
using OrleansAis.Hosting;
using OrleansAis.Ownership;
using OrleansAis.Storage;
using OrleansAis.Testing;

namespace OrleansAis.Tests.Cluster;

/// <summary>
/// An Orleans test cluster (3 silos unless told otherwise) of storage nodes. Each silo's node id is its silo name and its data lives in its own
/// temp folder (so a restarted silo finds its objects again); cluster state (the bucket registry) is one shared folder.
/// </summary>
public class StoreCluster : IAsyncLifetime
{
    private readonly short _silos;

    public StoreCluster() : this(3) { }

    // Not public: xUnit builds fixtures through their one public constructor.
    internal StoreCluster(short silos) => _silos = silos;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "oais-cluster-" + Guid.NewGuid().ToString("N")[..8]);
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public OaisClient Client { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(_silos);
        var root = Root;
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddOrleansAis(
                node => node.Id = options.SiloName,
                store => store.DataDirectory = Path.Combine(root, options.SiloName),
                state => state.Directory = Path.Combine(root, "cluster-state"));
            ConfigureSilo(silo);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await WaitUntilEveryNodeOwnsAsync();
        Client = new OaisClient(Cluster.Client, Options.Create(new OaisClientOptions { Transport = ObjectTransport.Grain }));
    }

    /// <summary>Extra configuration of every silo, added ones included, after the storage node's own (e.g. a test's grain call filter).</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    public IReadOnlyList<InProcessSiloHandle> Silos => Cluster.Silos;

    /// <summary>
    /// Until every silo's cluster map has every active silo as an owner: a silo that starts owns nothing until it has
    /// reconciled with its peers, so ownership computed over all silos holds only from then on.
    /// </summary>
    public Task WaitUntilEveryNodeOwnsAsync() => Waiting.WaitUntil(() =>
        {
            var active = Cluster.GetActiveSilos().Select(s => s.Name).Order(StringComparer.Ordinal).ToList();
            return Cluster.GetActiveSilos().All(silo =>
                Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<OrleansAis.Cluster.ClusterMap>().Current.Owners
                    .Select(o => o.Node.NodeId).Order(StringComparer.Ordinal).SequenceEqual(active));
        }, TimeSpan.FromSeconds(60), () => "the silos did not all become owners in every silo's cluster map");

    public LocalObjectStore StoreOf(InProcessSiloHandle silo) =>
        Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<LocalObjectStore>();

    /// <summary>The node id (= silo name) that the ownership function assigns the object to among the running silos.</summary>
    public string ExpectedOwner(string bucket, string name) =>
        Rendezvous.Owner(ObjectKey.Format(bucket, name), Cluster.GetActiveSilos().Select(s => s.Name).ToList(), n => n);

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
