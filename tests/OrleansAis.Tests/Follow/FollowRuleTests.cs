using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansAis.Etl;
using OrleansAis.Follow;
using OrleansAis.Testing;
using OrleansAis.Tests.Cluster;

namespace OrleansAis.Tests.Follow;

/// <summary>
/// Two storage silos whose transformers are local processes (io:// over <c>tr</c>), with a short follow reconcile
/// period. TestingHost silos serve no HTTP, so a result can only be written when the destination's owner is the
/// source's owner: the tests pick such names (about half of all names with two silos).
/// </summary>
public sealed class FollowCluster() : StoreCluster(2)
{
    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Services.Configure<EtlOptions>(o => o.Runtime = EtlRuntimeKind.Process);
        silo.Services.Configure<FollowOptions>(o => (o.ReconcileInterval, o.RetryDelay) = (TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200)));
    }
}

public sealed class FollowRuleTests(FollowCluster cluster) : IClassFixture<FollowCluster>
{
    private const string Etl = "follow-tr";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private IFollowRegistryGrain Registry => cluster.Cluster.Client.GetGrain<IFollowRegistryGrain>(IFollowRegistryGrain.Key);

    /// <summary>A second stage for pipelines: appends "!x", so the order of the stages shows in the result.</summary>
    private const string Exclaim = "follow-sed";

    private async Task EnsureEtlAsync()
    {
        var known = (await cluster.Client.ListEtlsAsync()).Select(e => e.Spec.Name).ToHashSet();
        if (!known.Contains(Etl))
            await cluster.Client.InitEtlAsync("{\"name\":\"" + Etl + "\",\"communication\":\"io://\",\"runtime\":{\"command\":[\"tr\",\"a-z\",\"A-Z\"]}}");
        if (!known.Contains(Exclaim))
            await cluster.Client.InitEtlAsync("{\"name\":\"" + Exclaim + "\",\"communication\":\"io://\",\"runtime\":{\"command\":[\"sed\",\"s/$/!x/\"]}}");
    }

    private IEnumerable<FollowRules> NodeRules => cluster.Cluster.GetActiveSilos()
        .Select(s => cluster.Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<FollowRules>());

    /// <summary>Names whose transform result lands on the source's own owner (see <see cref="FollowCluster"/>).</summary>
    private IEnumerable<string> ColocatedNames(string src, string dst, FollowRule rule, string stem) =>
        Enumerable.Range(0, 1000).Select(i => $"{stem}-{i:D3}.txt")
            .Where(n => cluster.ExpectedOwner(src, n) == cluster.ExpectedOwner(dst, rule.Transform.DestinationName(n)));

    private async Task PutAsync(string bucket, string name, string text) =>
        await cluster.Client.PutObjectAsync(bucket, name, new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private async Task<string?> ReadAsync(string bucket, string name)
    {
        try
        {
            var content = new MemoryStream();
            await cluster.Client.GetObjectAsync(bucket, name, content);
            return Encoding.UTF8.GetString(content.ToArray());
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.ObjectNotFound)
        {
            return null;
        }
    }

    private Task WaitForAsync(string bucket, string name, string? expected, string what) =>
        Waiting.WaitUntil(() => ReadAsync(bucket, name), text => text == expected, Limit,
            text => $"{what}: {bucket}/{name} is '{text ?? "(absent)"}', expected '{expected ?? "(absent)"}'");

    [Fact]
    public async Task Rules_are_validated_persisted_and_reach_every_node_and_go_away()
    {
        await EnsureEtlAsync();
        await cluster.Client.CreateBucketAsync("rules-a");
        var missingEtl = await Assert.ThrowsAsync<OaisException>(() =>
            Registry.Put(FollowRule.Create("no-such-etl", "rules-a", "rules-b", null, null, null, DateTimeOffset.UtcNow), createDestination: true));
        Assert.Equal(OaisErrorCode.EtlNotFound, missingEtl.Code);
        var noDestination = await Assert.ThrowsAsync<OaisException>(() =>
            Registry.Put(FollowRule.Create(Etl, "rules-a", "rules-b", null, null, null, DateTimeOffset.UtcNow), createDestination: false));
        Assert.Equal(OaisErrorCode.BucketNotFound, noDestination.Code);
        Assert.Empty(await Registry.List("rules-a"));

        var created = await Registry.Put(FollowRule.Create(Etl, "rules-a", "rules-b", null, "x/", null, DateTimeOffset.UtcNow), createDestination: true);
        Assert.NotNull(await cluster.Client.GetBucketAsync("rules-b"));
        // A rule back into its source, through another bucket, would transform its own outputs forever.
        var cycle = await Assert.ThrowsAsync<OaisException>(() =>
            Registry.Put(FollowRule.Create(Etl, "rules-b", "rules-a", null, null, null, DateTimeOffset.UtcNow), createDestination: false));
        Assert.Equal(OaisErrorCode.InvalidArgument, cycle.Code);
        Assert.Contains("rules-b -> rules-a -> rules-b", cycle.Message);
        await Waiting.WaitUntil(() => NodeRules.All(r => r.ForSource("rules-a").Any(x => x.Id == created.Id)), Limit, () => "a node lacks the rule");

        // Put again for the same buckets: replaced (same identity, new settings, first creation time).
        var replaced = await Registry.Put(FollowRule.Create(Etl, "rules-a", "rules-b", null, "y/", null, DateTimeOffset.UtcNow.AddHours(1)), createDestination: false);
        Assert.Equal(created.Created, replaced.Created);
        // The registry's state is in storage: a new activation reads the same rules.
        await cluster.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var stored = Assert.Single(await Registry.List("rules-a"));
        Assert.Equal("y/", stored.Transform.Prepend);
        await Waiting.WaitUntil(() => NodeRules.All(r => r.ForSource("rules-a").Single().Transform.Prepend == "y/"), Limit, () => "a node kept the old rule");

        await Registry.Delete("rules-a", "rules-b");
        await Waiting.WaitUntil(() => NodeRules.All(r => r.ForSource("rules-a").Count == 0), Limit, () => "a node still follows the removed rule");
        var again = await Assert.ThrowsAsync<OaisException>(() => Registry.Delete("rules-a", "rules-b"));
        Assert.Equal(OaisErrorCode.FollowRuleNotFound, again.Code);
    }

    [Fact]
    public async Task Writes_overwrites_and_deletes_are_followed_and_reconcile_fixes_missing_stale_and_orphaned_outputs()
    {
        const string src = "follow-in", dst = "follow-out";
        await EnsureEtlAsync();
        await cluster.Client.CreateBucketAsync(src);
        var probe = FollowRule.Create(Etl, src, dst, new Dictionary<string, string> { ["txt"] = "up" }, "t/", null, DateTimeOffset.UtcNow);
        var names = ColocatedNames(src, dst, probe, "doc").Take(8).ToList();
        Assert.Equal(8, names.Count);
        string Out(string n) => probe.Transform.DestinationName(n);

        // Written before the rule: caught up when it is created.
        await PutAsync(src, names[0], "early bird");
        await Registry.Put(probe, createDestination: true);
        await WaitForAsync(dst, Out(names[0]), "EARLY BIRD", "catch-up");

        // Created, then overwritten: the destination follows the newest version.
        await PutAsync(src, names[1], "first version");
        await WaitForAsync(dst, Out(names[1]), "FIRST VERSION", "create");
        await PutAsync(src, names[1], "second version");
        await WaitForAsync(dst, Out(names[1]), "SECOND VERSION", "overwrite");
        var output = await cluster.Client.HeadObjectAsync(dst, Out(names[1]));
        var source = await cluster.Client.HeadObjectAsync(src, names[1]);
        Assert.Equal(FollowMarker.Expected(probe, source), output.Custom[EtlCopier.SourceMetadataKey]);

        // A delete of the source deletes what was derived from it.
        await PutAsync(src, names[2], "short lived");
        await WaitForAsync(dst, Out(names[2]), "SHORT LIVED", "create");
        await cluster.Client.DeleteObjectAsync(src, names[2]);
        await WaitForAsync(dst, Out(names[2]), null, "delete");

        // A stale output (overwritten by hand) and a missing one (deleted by hand) are fixed by the reconcile pass.
        await cluster.Client.PutObjectAsync(dst, Out(names[1]), new MemoryStream("tampered"u8.ToArray()));
        await cluster.Client.DeleteObjectAsync(dst, Out(names[0]));
        await WaitForAsync(dst, Out(names[1]), "SECOND VERSION", "stale output");
        await WaitForAsync(dst, Out(names[0]), "EARLY BIRD", "missing output");

        // A source deleted while no rule followed it leaves an orphan; the rule's return removes it.
        await PutAsync(src, names[3], "orphan to be");
        await WaitForAsync(dst, Out(names[3]), "ORPHAN TO BE", "create");
        await Registry.Delete(src, dst);
        await Waiting.WaitUntil(() => NodeRules.All(r => r.ForSource(src).Count == 0), Limit, () => "a node still follows the removed rule");
        await cluster.Client.DeleteObjectAsync(src, names[3]);
        await PutAsync(src, names[4], "written while not followed");
        Assert.Equal("ORPHAN TO BE", await ReadAsync(dst, Out(names[3])));
        await Registry.Put(probe, createDestination: false);
        await WaitForAsync(dst, Out(names[3]), null, "orphan");
        await WaitForAsync(dst, Out(names[4]), "WRITTEN WHILE NOT FOLLOWED", "catch-up after the rule came back");
        // An object in the destination that no rule produced is left alone.
        await cluster.Client.PutObjectAsync(dst, "t/by-hand", new MemoryStream("mine"u8.ToArray()));

        var figures = await Task.WhenAll(cluster.Cluster.GetActiveSilos().Select(s =>
            cluster.Cluster.Client.GetGrain<IFollowNodeGrain>(s.Name).Status()));
        var mine = figures.SelectMany(f => f).Where(f => f.RuleId == probe.Id).ToList();
        Assert.Equal(2, mine.Count);
        Assert.True(mine.Sum(f => f.Done) >= 1, $"done: {string.Join(", ", mine.Select(f => f.Done))}");
        Assert.True(mine.Sum(f => f.Deleted) >= 1, $"deleted: {string.Join(", ", mine.Select(f => f.Deleted))}");
        Assert.All(mine, f => Assert.NotNull(f.LastReconcile));
        await Waiting.HoldsFor(async () => await ReadAsync(dst, "t/by-hand") == "mine", TimeSpan.FromSeconds(2), () => "a hand-written object was removed");
        await Registry.Delete(src, dst);
    }

    [Fact]
    public async Task A_rule_through_a_pipeline_applies_its_stages_in_order_and_follows_deletes()
    {
        const string src = "follow-pipe-in", dst = "follow-pipe-out";
        await EnsureEtlAsync();
        await cluster.Client.CreateBucketAsync(src);
        var missingStage = await Assert.ThrowsAsync<OaisException>(() => Registry.Put(FollowRule.Create(null,
            EtlPipeline.Parse($"{Etl}>>no-such-etl", null), src, dst, null, null, null, DateTimeOffset.UtcNow), createDestination: true));
        Assert.Equal(OaisErrorCode.EtlNotFound, missingStage.Code);

        var rule = FollowRule.Create(null, EtlPipeline.Parse($"{Etl}>>{Exclaim}", null), src, dst, null, null, null, DateTimeOffset.UtcNow);
        var names = ColocatedNames(src, dst, rule, "pipe").Take(2).ToList();
        await Registry.Put(rule, createDestination: true);
        await PutAsync(src, names[0], "through two stages");
        // tr then sed: the suffix sed adds is not upper-cased.
        await WaitForAsync(dst, names[0], "THROUGH TWO STAGES!x", "pipeline");
        var output = await cluster.Client.HeadObjectAsync(dst, names[0]);
        Assert.Equal(FollowMarker.Expected(rule, await cluster.Client.HeadObjectAsync(src, names[0])), output.Custom[EtlCopier.SourceMetadataKey]);
        Assert.Equal(names[0], FollowMarker.SourceName(rule, output));

        await PutAsync(src, names[1], "gone soon");
        await WaitForAsync(dst, names[1], "GONE SOON!x", "pipeline");
        await cluster.Client.DeleteObjectAsync(src, names[1]);
        await WaitForAsync(dst, names[1], null, "delete through a pipeline rule");
        await Registry.Delete(src, dst);
    }
}
