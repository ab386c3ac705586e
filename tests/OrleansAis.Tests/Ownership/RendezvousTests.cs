using OrleansAis.Ownership;

namespace OrleansAis.Tests.Ownership;

[Trait("Category", "Fast")]
public sealed class RendezvousTests
{
    private static readonly string[] ThreeNodes = ["node-a", "node-b", "node-c"];
    private static readonly string[] Keys = Enumerable.Range(0, 10_000).Select(i => $"bucket/shard-{i:D5}.tar").ToArray();

    [Fact]
    public void Ten_thousand_names_spread_over_three_nodes_within_15_percent_of_even()
    {
        var counts = Keys.GroupBy(k => Rendezvous.Owner(k, ThreeNodes, n => n)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, counts.Count);
        var even = Keys.Length / 3.0;
        Assert.All(counts.Values, c => Assert.InRange(c, even * 0.85, even * 1.15));
    }

    [Fact]
    public void Adding_a_node_moves_about_a_quarter_of_keys_and_only_to_the_new_node()
    {
        string[] four = [.. ThreeNodes, "node-d"];
        var moved = 0;
        foreach (var key in Keys)
        {
            var before = Rendezvous.Owner(key, ThreeNodes, n => n);
            var after = Rendezvous.Owner(key, four, n => n);
            if (before == after) continue;
            moved++;
            Assert.Equal("node-d", after);
        }
        // Ideal is 1/4 of the keys; allow the same ±15% tolerance as the balance test.
        Assert.InRange(moved, Keys.Length / 4.0 * 0.85, Keys.Length / 4.0 * 1.15);
    }

    [Fact]
    public void Removing_a_node_moves_only_the_keys_it_owned()
    {
        string[] two = ["node-a", "node-c"];
        foreach (var key in Keys)
        {
            var before = Rendezvous.Owner(key, ThreeNodes, n => n);
            if (before != "node-b") Assert.Equal(before, Rendezvous.Owner(key, two, n => n));
        }
    }

    [Fact]
    public void Owner_does_not_depend_on_candidate_order_and_ranked_starts_with_it()
    {
        foreach (var key in Keys.Take(500))
        {
            var owner = Rendezvous.Owner(key, ThreeNodes, n => n);
            Assert.Equal(owner, Rendezvous.Owner(key, ThreeNodes.Reverse().ToArray(), n => n));
            var ranked = Rendezvous.Ranked(key, ThreeNodes, n => n);
            Assert.Equal(owner, ranked[0]);
            Assert.Equal(ThreeNodes.Order(), ranked.Order());
        }
    }
}
