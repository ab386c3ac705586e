namespace OrleansAis.Benchmarks.Hosting;

/// <summary>
/// Several silo processes on this machine forming one cluster (the first is the primary): for measurements where
/// it matters that an object's owner is another process, e.g. direct put of offline transform results.
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    private SiloCluster(IReadOnlyList<SiloServer> silos) => Silos = silos;

    public IReadOnlyList<SiloServer> Silos { get; }

    /// <summary>Any silo accepts any request; the harness talks to the first.</summary>
    public Uri HttpUrl => Silos[0].HttpUrl;

    public static async Task<SiloCluster> StartAsync(SiloLaunch launch, string directory, int size, CancellationToken ct)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), "a cluster needs at least one silo");
        var clusterState = Path.Combine(directory, "cluster-state");
        var silos = new List<SiloServer>();
        try
        {
            var primary = SiloServer.Launch(launch, "n0", Path.Combine(directory, "n0"), primarySiloPort: null, clusterState);
            silos.Add(primary);
            await primary.WaitUntilClusterHasAsync(1, ct);
            for (var i = 1; i < size; i++)
                silos.Add(SiloServer.Launch(launch, $"n{i}", Path.Combine(directory, $"n{i}"), primary.SiloPort, clusterState));
            foreach (var silo in silos) await silo.WaitUntilClusterHasAsync(size, ct);
            return new SiloCluster(silos);
        }
        catch
        {
            foreach (var silo in silos) await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Throws when any silo has died.</summary>
    public void EnsureRunning()
    {
        foreach (var silo in Silos) silo.EnsureRunning();
    }

    public async ValueTask DisposeAsync()
    {
        // Non-primaries first, so they do not spend their shutdown looking for a primary that is already gone.
        foreach (var silo in Silos.Reverse()) await silo.DisposeAsync();
    }
}
