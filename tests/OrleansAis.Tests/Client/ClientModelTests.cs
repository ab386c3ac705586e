using Microsoft.Extensions.Logging.Abstractions;
using OrleansAis.Client;
using OrleansAis.Client.Http;
using OrleansAis.Etl;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;
using OrleansAis.Ownership;

namespace OrleansAis.Tests.Client;

[Trait("Category", "Fast")]
public sealed class ClientModelTests
{
    private static NodeStats Node(string id, NodeState state = NodeState.Active, bool joining = false) =>
        new() { Node = new NodeInfo { NodeId = id, SiloAddress = id, HttpUrl = $"http://{id}:8080" }, State = state, Joining = joining };

    /// <summary>
    /// GET /v1/cluster marks a node that has not reconciled yet; the client then routes none of its objects there, as the
    /// silos decide (the same candidates rule), and once nobody is ready every node owns its share, as there.
    /// </summary>
    [Fact]
    public void A_joining_node_owns_nothing_in_the_clients_view_as_in_the_silos()
    {
        var dto = new ClusterNodeDto("c", "c", "http://c:8080", "active", 0, 0, 0, null, [], Joining: true);
        var json = System.Text.Json.JsonSerializer.Serialize(dto, OaisJson.Options);
        Assert.Contains("\"joining\":true", json);
        var parsed = HttpModel.Node(System.Text.Json.JsonSerializer.Deserialize<ClusterNodeDto>(json, OaisJson.Options)!);
        Assert.True(parsed.Joining);

        var view = new NodeView([Node("a"), Node("b"), parsed, Node("d")], version: 1);
        var owners = OwnerCandidates.Owners(new[] { "a", "b", "c", "d" }, id => id == "c");
        Assert.Equal(new[] { "a", "b", "d" }, owners);
        for (var i = 0; i < 2000; i++)
        {
            var name = $"shard-{i:D5}.tar";
            Assert.Equal(Rendezvous.Owner(ObjectKey.Format("train", name), owners, n => n), view.OwnerOf("train", name).NodeId);
        }
        var starting = new NodeView([Node("a", joining: true), Node("b", joining: true)], version: 2);
        Assert.Equal(2, starting.Owners.Count);
    }

    [Fact]
    public void The_client_picks_the_owner_the_silos_pick_and_never_a_leaving_node()
    {
        var view = new NodeView([Node("a"), Node("b"), Node("c", NodeState.Draining), Node("d")], version: 1);
        var owners = new[] { "a", "b", "d" };
        for (var i = 0; i < 2000; i++)
        {
            var name = $"shard-{i:D5}.tar";
            Assert.Equal(Rendezvous.Owner(ObjectKey.Format("train", name), owners, n => n), view.OwnerOf("train", name).NodeId);
        }
        Assert.Equal(4, view.Nodes.Count); // a leaving node still answers (and redirects)
        Assert.Equal("b", view.At(new Uri("http://b:8080/v1/objects/train/x?etl_name=e"))!.NodeId);
        Assert.Null(view.At(new Uri("http://elsewhere:8080/v1/objects/train/x")));
    }

    [Fact]
    public void When_every_node_is_leaving_they_still_own_their_objects()
    {
        var view = new NodeView([Node("a", NodeState.Draining), Node("b", NodeState.Drained)], version: 1);
        Assert.Contains(view.OwnerOf("b", "o").NodeId, new[] { "a", "b" });
    }

    [Fact]
    public void A_spec_written_for_PUT_v1_etl_parses_back_to_the_same_spec()
    {
        var spec = new EtlSpec
        {
            Name = "decode", Communication = EtlCommunication.Ws, Argument = "fqn", InitTimeout = TimeSpan.FromSeconds(90),
            ObjTimeout = TimeSpan.FromMilliseconds(1500), SupportDirectPut = true, Env = new Dictionary<string, string> { ["A"] = "1" },
            Runtime = new EtlRuntimeSpec { Image = "img:1", Command = ["etl-host", "echo"], Env = new Dictionary<string, string> { ["B"] = "2" } },
            Resources = new EtlResources { MemoryBytes = 256 << 20, NanoCpus = 1_500_000_000 },
        };
        var back = EtlSpecParser.Parse(HttpModel.SpecText(spec));
        Assert.Equal((spec.Name, spec.Communication, spec.Argument, spec.InitTimeout, spec.ObjTimeout, spec.SupportDirectPut),
            (back.Name, back.Communication, back.Argument, back.InitTimeout, back.ObjTimeout, back.SupportDirectPut));
        Assert.Equal(spec.Env, back.Env);
        Assert.Equal(spec.Runtime.Image, back.Runtime.Image);
        Assert.Equal(spec.Runtime.Command, back.Runtime.Command);
        Assert.Equal(spec.Runtime.Env, back.Runtime.Env);
        Assert.Equal((spec.Resources.MemoryBytes, spec.Resources.NanoCpus), (back.Resources.MemoryBytes, back.Resources.NanoCpus));
    }

    [Fact]
    public void A_job_request_keeps_every_field_on_its_way_to_POST_v1_jobs_etl()
    {
        var request = new EtlJobRequest
        {
            Etl = "e", SourceBucket = "a", DestinationBucket = "b", Prefix = "p/", Names = ["x"], Template = null,
            ExtensionMap = new Dictionary<string, string> { ["flac"] = "wav" }, Prepend = "out/", NumWorkers = 3, Mode = JobMode.DryRun,
            ContinueOnError = true, CreateDestination = true, Incremental = true, EtlArgs = "q",
        };
        var body = HttpModel.JobStart(request);
        Assert.Equal(("e", "a", "b", "p/", "out/", 3, "dry-run"), (body.Etl, body.FromBucket, body.ToBucket, body.Prefix, body.Prepend, body.NumWorkers, body.Mode));
        Assert.Equal((true, true, true, "q"), (body.ContinueOnError, body.CreateDestination, body.Incremental, body.EtlArgs));
        Assert.Equal(["x"], body.Names!);
        Assert.Equal("wav", body.Ext!["flac"]);
    }

    [Fact]
    public async Task The_node_list_is_loaded_once_and_again_only_when_a_node_says_not_mine()
    {
        var loads = 0;
        var view = new ClusterView(_ => { Interlocked.Increment(ref loads); return Task.FromResult<IReadOnlyList<NodeStats>>([Node("a")]); },
            TimeSpan.FromHours(1), TimeProvider.System, NullLogger.Instance);
        var first = await view.CurrentAsync(CancellationToken.None);
        Assert.Same(first, await view.CurrentAsync(CancellationToken.None));
        Assert.Equal(1, loads);
        view.Stale();
        var second = await view.RefreshAsync(CancellationToken.None);
        Assert.True(second.Version > first.Version);
        Assert.InRange(loads, 2, 3);
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_option()
    {
        var problems = OaisClientOptionsValidator.Problems(new OaisClientOptions
        {
            ChunkBytes = 0, ClusterRefreshInterval = TimeSpan.Zero, Endpoints = ["ftp://x"],
        }).ToList();
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains(nameof(OaisClientOptions.ChunkBytes)));
        Assert.Contains(problems, p => p.Contains(nameof(OaisClientOptions.ClusterRefreshInterval)));
        Assert.Contains(problems, p => p.Contains("ftp://x"));
    }
}
