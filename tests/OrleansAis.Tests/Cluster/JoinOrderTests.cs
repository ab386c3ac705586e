using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using OrleansAis.Cluster;
using OrleansAis.Grains;
using OrleansAis.Testing;

namespace OrleansAis.Tests.Cluster;

/// <summary>
/// The chaos run's stale reads came from this interleaving: a node joins, and one peer hears its announcement late (in
/// the run, a peer killed meanwhile held the announcement up for seconds). The joining node must not own (take
/// writes of its share) before every live peer has stopped standing in for it, or a read served by the late peer
/// returns its older copy of an acknowledged write. Here one peer holds the announcement back, deterministically.
/// </summary>
public sealed class JoinOrderTests : IAsyncLifetime
{
    private readonly HeldAnnouncementCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_joining_node_owns_nothing_until_every_peer_has_stopped_standing_in_for_it()
    {
        var (late, prompt) = (_cluster.Silos[0], _cluster.Silos[1]);
        HoldNodeReady.On = late.Name;
        try
        {
            var joined = await _cluster.Cluster.StartAdditionalSiloAsync();
            var joinedMap = MapOf(joined);
            // The prompt peer has heard: it counts the new node as an owner.
            await Waiting.WaitUntil(() => MapOf(prompt).Current.Owners.Any(o => o.Node.NodeId == joined.Name), TimeSpan.FromSeconds(60),
                () => $"{prompt.Name} never heard that {joined.Name} is ready");
            // The late one has not answered yet, so the new node does not own its share yet, in its own view.
            Assert.True(HoldNodeReady.Held > 0, "the late peer was never told");
            Assert.False(joinedMap.LocalIsReady, $"{joined.Name} counts itself an owner while {late.Name} still stands in for it");
            Assert.DoesNotContain(joinedMap.Current.Owners, o => o.Node.NodeId == joined.Name);
            Assert.DoesNotContain(MapOf(late).Current.Owners, o => o.Node.NodeId == joined.Name);

            HoldNodeReady.Release.TrySetResult();
            await Waiting.WaitUntil(() => joinedMap.LocalIsReady && MapOf(late).Current.Owners.Any(o => o.Node.NodeId == joined.Name),
                TimeSpan.FromSeconds(60), () => $"{joined.Name} did not become an owner once {late.Name} had heard");
        }
        finally
        {
            HoldNodeReady.On = null;
            HoldNodeReady.Release.TrySetResult();
        }
    }

    private ClusterMap MapOf(Orleans.TestingHost.InProcessSiloHandle silo) =>
        _cluster.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<ClusterMap>();

    private sealed class HeldAnnouncementCluster() : StoreCluster(2)
    {
        protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter<HoldNodeReady>();
    }

    /// <summary>Holds every "node ready" announcement arriving at node <see cref="On"/> until released.</summary>
    private sealed class HoldNodeReady(ClusterMap cluster) : IIncomingGrainCallFilter
    {
        public static volatile string? On;
        public static readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private static int _held;

        public static int Held => Volatile.Read(ref _held);

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(INodeStoreGrain.NodeReady) && cluster.Local.NodeId == On)
            {
                Interlocked.Increment(ref _held);
                await Release.Task;
            }
            await context.Invoke();
        }
    }
}
