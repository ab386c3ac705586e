using System.Diagnostics;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>One silo started by scripts/cluster.sh, as its node.env describes it.</summary>
public sealed record ScriptedNode(int Index, string NodeId, Uri HttpUrl, string Folder)
{
    public string LogPath => Path.Combine(Folder, "silo.log");
}

/// <summary>
/// A multi-process cluster driven through scripts/cluster.sh (its own redis-server for membership, one OS process per
/// silo, everything under a temp base folder), so the tests exercise the script as users run it. Dispose stops what
/// the script started and deletes the folder.
/// </summary>
public sealed class ScriptedCluster : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(3);

    private ScriptedCluster(string baseDirectory) => BaseDirectory = baseDirectory;

    public string BaseDirectory { get; }

    public static string Script => Path.Combine(RepoPaths.Root, "scripts", "cluster.sh");

    /// <summary>The silos, in index order, from the node folders the script keeps.</summary>
    public IReadOnlyList<ScriptedNode> Nodes =>
        Directory.GetDirectories(Path.Combine(BaseDirectory, "nodes"))
            .Where(folder => File.Exists(Path.Combine(folder, "node.env")))
            .Select(ReadNode)
            .OrderBy(n => n.Index)
            .ToList();

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
            await cluster.RunAsync(
            [
                "start", silos.ToString(), "--http-port", ports[0].ToString(), "--silo-port", ports[1].ToString(),
                "--gateway-port", ports[2].ToString(), "--node-prefix", $"rel-{id}-",
                "--silo-dll", RepoPaths.BuiltAssembly("silo/OrleansAis.Silo", "OrleansAis.Silo"),
                "--", .. siloArgs,
            ]);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>kill -9 of one silo.</summary>
    public Task<string> KillAsync(ScriptedNode node) => RunAsync(["kill", node.NodeId]);

    /// <summary>Starts the silo again (same node id, ports and data); returns once every silo sees every running silo.</summary>
    public Task<string> RestartAsync(ScriptedNode node) => RunAsync(["restart", node.NodeId]);

    /// <summary>Starts one more silo that joins the running cluster; returns once it is healthy.</summary>
    public Task<string> AddAsync() => RunAsync(["add"]);

    /// <summary>The script's status report and exit code (0 only when every silo runs and is healthy).</summary>
    public async Task<(int ExitCode, string Output)> StatusAsync() => await RunCapturingAsync(["status"]);

    /// <summary>The last lines of a silo's log, for failure messages.</summary>
    public static string LogTail(ScriptedNode node, int lines = 40) =>
        File.Exists(node.LogPath) ? string.Join('\n', File.ReadLines(node.LogPath).TakeLast(lines)) : "(no log)";

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(BaseDirectory))
        {
            try { await RunAsync(["stop"]); }
            catch (Exception e) { Console.Error.WriteLine($"cluster.sh stop failed: {e.Message}"); }
        }
        try { Directory.Delete(BaseDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        RunRegistry.ForgetCluster(BaseDirectory);
    }

    private async Task<string> RunAsync(string[] args)
    {
        var (code, output) = await RunCapturingAsync(args);
        return code == 0 ? output : throw new InvalidOperationException($"cluster.sh {string.Join(' ', args)} exited with {code}:\n{output}");
    }

    private async Task<(int, string)> RunCapturingAsync(string[] args)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        info.ArgumentList.Add(Script);
        info.ArgumentList.Add(args[0]);
        info.ArgumentList.Add("--base-dir");
        info.ArgumentList.Add(BaseDirectory);
        foreach (var a in args.Skip(1)) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not run bash");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cluster.sh {string.Join(' ', args)} did not finish within {ScriptTimeout}");
        }
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static ScriptedNode ReadNode(string folder)
    {
        var values = File.ReadAllLines(Path.Combine(folder, "node.env"))
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        return new ScriptedNode(int.Parse(values["INDEX"]), values["NODE_ID"], new Uri($"http://127.0.0.1:{values["HTTP_PORT"]}"), folder);
    }
}
