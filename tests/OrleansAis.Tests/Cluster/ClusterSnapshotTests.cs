using OrleansAis.Cluster;
using OrleansAis.Ownership;

namespace OrleansAis.Tests.Cluster;

/// <summary>The cluster map's snapshot and its replacement rules, over a fake membership and metadata cache.</summary>
[Trait("Category", "Fast")]
public sealed class ClusterSnapshotTests
{
    private static readonly string[] Keys = Enumerable.Range(0, 2_000).Select(i => $"train/shard-{i:D5}.tar").ToArray();

    [Fact]
    public void Owner_is_the_rendezvous_winner_over_the_nodes_that_are_not_leaving()
    {
        var world = new FakeCluster(3);
        var map = world.Map(0);
        map.MarkLeaving("node-1");
        var snapshot = map.Current;

        Assert.Equal(3, snapshot.Active.Count);
        Assert.Equal(["node-0", "node-2"], snapshot.Owners.Select(n => n.Node.NodeId).Order());
        foreach (var key in Keys)
        {
            var (bucket, name) = ObjectKey.Parse(key);
            var expected = Rendezvous.Owner(key, ["node-0", "node-2"], id => id);
            Assert.Equal(expected, snapshot.OwnerOf(bucket, name).NodeId);
            Assert.Equal(expected, snapshot.HoldersOf(bucket, name, 2)[0].NodeId);
            Assert.DoesNotContain(snapshot.OthersByRank(bucket, name), n => n.NodeId == "node-0");
        }
    }

    [Fact]
    public void When_every_node_is_leaving_they_keep_owning_their_objects()
    {
        var world = new FakeCluster(2);
        var map = world.Map(0);
        map.MarkLeaving("node-0");
        map.MarkLeaving("node-1");
        Assert.Equal(2, map.Current.Owners.Count);
        Assert.True(map.Current.LocalIsLeaving);
    }

    [Fact]
    public void Reading_twice_returns_the_same_snapshot_until_membership_or_leaving_changes()
    {
        var world = new FakeCluster(3);
        var map = world.Map(0);
        var first = map.Current;
        Assert.Same(first, map.Current);

        map.MarkLeaving("node-2");
        var second = map.Current;
        Assert.NotSame(first, second);
        Assert.True(second.Version > first.Version);
        Assert.Same(second, map.Current);

        world.Kill(2);
        var third = map.Current;
        Assert.NotSame(second, third);
        Assert.Equal(2, third.Active.Count);
        Assert.Empty(third.Leaving); // the mark ended with the node's membership

        world.Restart(2); // the same node id comes back: it owns its share again
        Assert.Equal(3, map.Current.Owners.Count);
    }

    [Fact]
    public void A_silo_whose_metadata_has_not_arrived_makes_the_snapshot_incomplete_and_it_is_rebuilt()
    {
        var world = new FakeCluster(3);
        world.HideMetadata(1);
        var map = world.Map(0);
        var partial = map.Current;
        Assert.False(partial.Complete);
        Assert.Equal(2, partial.Active.Count);

        world.ShowMetadata(1);
        var full = map.Current;
        Assert.True(full.Complete);
        Assert.Equal(3, full.Active.Count);
        Assert.Same(full, map.Current);
    }

    [Fact]
    public void A_node_that_has_not_announced_it_is_ready_owns_nothing_until_it_does()
    {
        var world = new FakeCluster(3);
        var map = world.Map(0);
        var silos = map.Current.Active.ToDictionary(n => n.Node.NodeId, n => n.Silo);
        map.MarkReady(silos["node-0"]);
        map.MarkReady(silos["node-1"]);
        var joining = map.Current;

        Assert.Equal(["node-2"], joining.Joining);
        Assert.Equal(["node-0", "node-1"], joining.Owners.Select(n => n.Node.NodeId).Order());
        var itsShare = 0;
        foreach (var key in Keys)
        {
            var (bucket, name) = ObjectKey.Parse(key);
            Assert.NotEqual("node-2", joining.OwnerOf(bucket, name).NodeId);
            var eventual = Rendezvous.Owner(key, ["node-0", "node-1", "node-2"], id => id);
            Assert.Equal(eventual == "node-2", joining.HoldersWith("node-2", bucket, name, 1).Contains("node-2"));
            if (eventual == "node-2") itsShare++;
        }
        Assert.InRange(itsShare, 500, 850); // about a third: what it pulls from the others before it serves

        map.MarkReady(silos["node-2"]);
        Assert.Empty(map.Current.Joining);
        Assert.Equal(3, map.Current.Owners.Count);
    }

    /// <summary>
    /// The chaos run's interleaving: a node was added and is still joining when an owner restarts. The restarted node
    /// owns, as soon as it is ready, objects whose eventual owner is the added node; its join must have reconciled
    /// each of them (they are what <see cref="ClusterSnapshot.HoldersWith"/> lists), in either order of the two becoming ready.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_node_reconciles_every_object_it_holds_once_ready_while_another_node_is_still_joining(int copies)
    {
        var world = new FakeCluster(4);
        var map = world.Map(0);
        var silos = map.Current.Active.ToDictionary(n => n.Node.NodeId, n => n.Silo);
        map.MarkReady(silos["node-0"]);
        map.MarkReady(silos["node-1"]); // node-2 restarted, node-3 was added: both joining
        var joining = map.Current;
        var reconciled = Keys.Where(k => joining.HoldersWith("node-2", Bucket(k), Name(k), copies).Contains("node-2")).ToHashSet();

        map.MarkReady(silos["node-2"]);
        var held = Keys.Where(k => map.Current.HoldersOf(Bucket(k), Name(k), copies).Any(n => n.NodeId == "node-2")).ToList();
        Assert.All(held, k => Assert.Contains(k, reconciled));
        // Among them, objects the added node will own: ranking over the eventual owners would have left these out.
        Assert.Contains(held, k => Rendezvous.Ranked(k, ["node-0", "node-1", "node-2", "node-3"], id => id).Take(copies).All(id => id != "node-2"));

        map.MarkReady(silos["node-3"]);
        Assert.All(Keys.Where(k => map.Current.HoldersOf(Bucket(k), Name(k), copies).Any(n => n.NodeId == "node-2")), k => Assert.Contains(k, reconciled));
    }

    /// <summary>
    /// The 20-minute chaos run's last stale reads: a node rejoined, copied an object from its stand-in (which keeps its
    /// copy until the move that follows), took a newer write and was killed. The stand-in, owner again, must not serve
    /// its copy from before the node became ready; a copy written after (standing in again) or a mirror's copy it may.
    /// </summary>
    [Fact]
    public void A_stand_ins_copy_from_before_a_down_node_owned_again_is_not_served()
    {
        var world = new FakeCluster(3);
        var map = world.Map(0);
        var silos = map.Current.Active.ToDictionary(n => n.Node.NodeId, n => n.Silo);
        map.MarkReady(silos["node-0"]);
        map.MarkReady(silos["node-1"]);
        var key = Keys.First(k => Rendezvous.Ranked(k, ["node-0", "node-1", "node-2"], id => id).Take(2).SequenceEqual(["node-2", "node-0"]));
        var before = new ObjectMeta { Bucket = Bucket(key), Name = Name(key), Checksum = "0", Modified = DateTimeOffset.UtcNow.AddSeconds(-1) };
        map.MarkReady(silos["node-2"]); // it owns the object from now on
        world.Kill(2);

        Assert.Equal("node-0", map.Current.OwnerOf(before.Bucket, before.Name).NodeId);
        Assert.Equal("node-2", map.NewerMayBeOn(before, 1));
        var after = new ObjectMeta { Bucket = before.Bucket, Name = before.Name, Checksum = "0", Modified = DateTimeOffset.UtcNow.AddSeconds(1) };
        Assert.Null(map.NewerMayBeOn(after, 1)); // written standing in again, after the node went
        Assert.Null(map.NewerMayBeOn(before, 2)); // a mirror: every acknowledged write reached it
    }

    private static string Bucket(string key) => ObjectKey.Parse(key).Bucket;

    private static string Name(string key) => ObjectKey.Parse(key).Name;

    [Fact]
    public void A_member_that_died_is_down_and_named_for_the_objects_it_may_hold_until_it_is_back()
    {
        var world = new FakeCluster(3);
        var map = world.Map(0);
        Assert.Empty(map.Current.Down);
        world.Kill(1);
        var view = map.Current;

        Assert.Equal(["node-1"], view.Down);
        foreach (var key in Keys)
        {
            var (bucket, name) = ObjectKey.Parse(key);
            var ranking = Rendezvous.Ranked(key, ["node-0", "node-1", "node-2"], id => id);
            Assert.Equal(ranking[0] == "node-1" ? "node-1" : null, view.DownHolderOf(bucket, name, 1));
            Assert.Equal(ranking.Take(2).Contains("node-1") ? "node-1" : null, view.DownHolderOf(bucket, name, 2));
        }

        world.Restart(1);
        Assert.Empty(map.Current.Down);
    }

    [Fact]
    public void A_node_that_left_gracefully_is_not_down_once_it_is_gone()
    {
        var world = new FakeCluster(3);
        var map = world.Map(0);
        map.MarkLeaving("node-2");
        Assert.Single(map.Current.Leaving);
        world.Kill(2);
        Assert.Empty(map.Current.Down);
    }

    [Fact]
    public void Node_looks_up_active_nodes_by_id()
    {
        var map = new FakeCluster(2).Map(1);
        Assert.Equal("http://node-0", map.Current.Node("node-0")?.HttpUrl);
        Assert.Null(map.Current.Node("node-9"));
        Assert.True(map.Current.IsLocal(map.Current.Node("node-1")!));
    }
}
