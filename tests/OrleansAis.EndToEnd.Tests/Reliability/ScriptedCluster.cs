using OrleansAis.ClusterScript;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>
/// A test's cluster through scripts/cluster.sh (<see cref="ScriptCluster"/>, the driver `oais-loader chaos` uses too),
/// under a temp base folder with the built silo of this test configuration, registered so .ci/run cleans up after a
/// crashed run. Dispose stops what the script started and deletes the folder.
/// </summary>
public sealed class ScriptedCluster : IAsyncDisposable
{
    private readonly ScriptCluster _script;

    private ScriptedCluster(string baseDirectory) => _script = new ScriptCluster(Script, baseDirectory, RepoPaths.Root);

    public string BaseDirectory => _script.BaseDirectory;

    public static string Script => Path.Combine(RepoPaths.Root, "scripts", "cluster.sh");

    /// <summary>The silos, in index order, from the node folders the script keeps.</summary>
    public IReadOnlyList<ScriptedNode> Nodes => _script.Nodes;

    /// <summary>Starts <paramref name="silos"/> silos with the built silo of this test configuration; returns once all see each other.</summary>
    public static async Task<ScriptedCluster> StartAsync(int silos, IEnumerable<string> siloArgs)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var cluster = new ScriptedCluster(Path.Combine(Path.GetTempPath(), "oais-cluster-" + id));
        // Starting points below the ephemeral range (restarted silos bind them again); the script moves past any taken port.
        var ports = FreePorts.TakeBelowEphemeral(3);
        RunRegistry.TrackCluster(cluster.BaseDirectory);
        try
        {
            await cluster._script.StartAsync(silos, (ports[0], ports[1], ports[2]), RepoPaths.BuiltAssembly("silo/OrleansAis.Silo", "OrleansAis.Silo"),
                siloArgs, nodePrefix: $"rel-{id}-");
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>kill -9 of one silo.</summary>
    public Task<string> KillAsync(ScriptedNode node) => _script.KillAsync(node);

    /// <summary>Starts the silo again (same node id, ports and data); returns once every silo sees every running silo.</summary>
    public Task<string> RestartAsync(ScriptedNode node) => _script.RestartAsync(node);

    /// <summary>Starts one more silo that joins the running cluster; returns once it is healthy.</summary>
    public Task<string> AddAsync() => _script.AddAsync();

    /// <summary>The script's status report and exit code (0 only when every silo runs and is healthy).</summary>
    public Task<(int ExitCode, string Output)> StatusAsync() => _script.StatusAsync();

    /// <summary>The last lines of a silo's log, for failure messages.</summary>
    public static string LogTail(ScriptedNode node, int lines = 40) => ScriptCluster.LogTail(node, lines);

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(BaseDirectory))
        {
            try { await _script.StopAsync(); }
            catch (Exception e) { Console.Error.WriteLine($"cluster.sh stop failed: {e.Message}"); }
        }
        try { Directory.Delete(BaseDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        RunRegistry.ForgetCluster(BaseDirectory);
    }
}
