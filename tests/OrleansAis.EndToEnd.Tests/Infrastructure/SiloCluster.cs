using System.Net.Http.Json;
using System.Text.Json;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A cluster of real silo processes on loopback (development clustering, free ports, a temp folder per silo),
/// started once per test class through <see cref="IAsyncLifetime"/>. The first silo is the primary.
/// </summary>
public class SiloCluster : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public SiloCluster() : this(1) { }

    protected SiloCluster(int size) => Size = size;

    public int Size { get; }
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "oais-e2e-" + Guid.NewGuid().ToString("N")[..8]);
    public List<SiloProcess> Silos { get; } = [];
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>The first silo's HTTP endpoint (any silo accepts any request).</summary>
    public Uri Endpoint => Silos[0].HttpUrl;

    public virtual async Task InitializeAsync()
    {
        var ports = FreePorts.Take(Size * 3);
        var primaryPort = ports[0];
        for (var i = 0; i < Size; i++)
        {
            Silos.Add(new SiloProcess(NodeName(i), Path.Combine(Root, NodeName(i)), ports[i * 3], ports[i * 3 + 1], ports[i * 3 + 2],
                primaryPort, Path.Combine(Root, "cluster-state")));
        }
        Silos[0].Start(SiloArgs(0));
        await WaitForClusterAsync(Silos[0], 1);
        for (var i = 1; i < Size; i++) Silos[i].Start(SiloArgs(i));
        foreach (var silo in Silos) await WaitForClusterAsync(silo, Size);
    }

    /// <summary>
    /// Node ids unique to this fixture: a silo removes transformer containers labelled with its node id when it starts,
    /// so two test runs sharing one Docker engine must never reuse each other's ids.
    /// </summary>
    private string NodeName(int index) => $"node-{index}-{Path.GetFileName(Root)[^8..]}";

    /// <summary>Extra command-line arguments for silo <paramref name="index"/> (derived fixtures configure features).</summary>
    protected virtual IEnumerable<string> SiloArgs(int index) => [];

    /// <summary>Starts one more silo that joins the running cluster; returns once every silo sees it.</summary>
    public async Task<SiloProcess> AddSiloAsync()
    {
        var index = Silos.Count;
        var ports = FreePorts.Take(3);
        var silo = new SiloProcess(NodeName(index), Path.Combine(Root, NodeName(index)), ports[0], ports[1], ports[2],
            Silos[0].SiloPort, Path.Combine(Root, "cluster-state"));
        Silos.Add(silo);
        silo.Start(SiloArgs(index));
        foreach (var s in Silos) await WaitForClusterAsync(s, Silos.Count);
        return silo;
    }

    /// <summary>Waits until <paramref name="silo"/> answers /v1/cluster listing <paramref name="nodes"/> active nodes.</summary>
    public async Task WaitForClusterAsync(SiloProcess silo, int nodes)
    {
        await Waiting.WaitUntil(async () =>
        {
            if (!silo.IsRunning) throw new InvalidOperationException($"silo {silo.NodeId} exited:\n{silo.Output}");
            try
            {
                using var doc = JsonDocument.Parse(await Http.GetStringAsync(new Uri(silo.HttpUrl, "/v1/cluster")));
                return doc.RootElement.GetProperty("nodes").GetArrayLength() == nodes;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                return false; // not up yet
            }
        }, StartTimeout, () => $"silo {silo.NodeId} did not see {nodes} nodes:\n{silo.Output}");
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in Silos) await silo.DisposeAsync();
        Http.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Three silos: for tests of routing between owners.</summary>
public sealed class ThreeSiloCluster() : SiloCluster(3);
