using OrleansAis.Rebalancing;
using OrleansAis.Storage;
using OrleansAis.Tests.Cluster;

namespace OrleansAis.Tests.Rebalancing;

[Trait("Category", "Fast")]
public sealed class OffOwnerWritesTests
{
    [Fact]
    public async Task A_write_committed_off_its_owner_that_the_owner_cannot_take_now_asks_for_a_rebalance_pass_and_one_on_its_owner_does_not()
    {
        var map = new FakeCluster(3).Map(0);
        var names = Enumerable.Range(0, 100).Select(i => $"obj-{i}").ToList();
        var owned = names.First(n => map.Current.OwnerOf("b", n).NodeId == "node-0");
        var elsewhere = names.First(n => map.Current.OwnerOf("b", n).NodeId != "node-0");

        var requests = new RebalanceRequests();
        // The owner does not answer (every grain call fails), as when it just died.
        var unreachable = System.Reflection.DispatchProxy.Create<IGrainFactory, Unreachable>();
        var hook = new OffOwnerWrites(map, requests, unreachable, Microsoft.Extensions.Logging.Abstractions.NullLogger<OffOwnerWrites>.Instance);

        var pass = requests.WaitAsync(CancellationToken.None);
        await hook.AfterWriteAsync(Meta(owned), CancellationToken.None);
        Assert.False(pass.IsCompleted);

        await hook.AfterWriteAsync(Meta(elsewhere), CancellationToken.None);
        await pass.WaitAsync(TimeSpan.FromSeconds(10)); // released by the nudge
    }

    public class Unreachable : System.Reflection.DispatchProxy
    {
        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
            throw new TimeoutException("the owner did not answer");
    }

    private static ObjectMeta Meta(string name) => new() { Bucket = "b", Name = name, Size = 0, Checksum = "", Version = 1, Node = "node-0" };
}
