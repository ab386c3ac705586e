using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansAis.Cluster;

namespace OrleansAis.Tests.Cluster;

/// <summary>Silos node-0..node-(n-1), their membership table and their published metadata.</summary>
internal sealed class FakeCluster : IClusterMembershipService, ISiloMetadataCache
{
    private readonly List<SiloAddress> _silos = [];
    private readonly HashSet<SiloAddress> _hidden = [];
    private readonly Dictionary<SiloAddress, SiloStatus> _status = [];
    private long _version = 1;

    public FakeCluster(int nodes)
    {
        for (var i = 0; i < nodes; i++) _silos.Add(Start(i, generation: 1));
    }

    public ClusterMap Map(int local) => new(this, this, new FakeLocalSilo(_silos[local]),
        Options.Create(new NodeOptions { Id = "node-" + local, HttpUrl = "http://node-" + local }));

    public void Kill(int node) => Change(() => _status[_silos[node]] = SiloStatus.Dead);

    public void Restart(int node) => Change(() => _silos[node] = Start(node, generation: 2));

    public void HideMetadata(int node) => _hidden.Add(_silos[node]);

    public void ShowMetadata(int node) => _hidden.Remove(_silos[node]);

    private SiloAddress Start(int node, int generation)
    {
        var silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11000 + node), generation);
        _status[silo] = SiloStatus.Active;
        return silo;
    }

    private void Change(Action change)
    {
        change();
        _version++;
    }

    public ClusterMembershipSnapshot CurrentSnapshot => new(
        _status.ToImmutableDictionary(s => s.Key, s => new ClusterMember(s.Key, s.Value, s.Key.ToString())), new MembershipVersion(_version));

    public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

    public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException();

    public SiloMetadata GetSiloMetadata(SiloAddress siloAddress)
    {
        var node = _silos.IndexOf(siloAddress);
        if (node < 0 || _hidden.Contains(siloAddress)) return SiloMetadata.Empty;
        // Orleans fills SiloMetadata through internal setters only; a fake cache sets the property by reflection.
        var metadata = new SiloMetadata();
        typeof(SiloMetadata).GetProperty(nameof(SiloMetadata.Metadata))!.SetValue(metadata, ImmutableDictionary<string, string>.Empty
            .Add(NodeMetadata.NodeId, "node-" + node).Add(NodeMetadata.HttpUrl, "http://node-" + node));
        return metadata;
    }
}

internal sealed class FakeLocalSilo(SiloAddress silo) : ILocalSiloDetails
{
    public string Name => silo.ToString();
    public string ClusterId => "test";
    public string DnsHostName => "localhost";
    public SiloAddress SiloAddress => silo;
    public SiloAddress GatewayAddress => silo;
}
