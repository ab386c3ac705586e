using System.Diagnostics;

namespace OrleansAis.ClusterScript;

/// <summary>One silo started by scripts/cluster.sh, as its node folder's <c>node.env</c> describes it.</summary>
public sealed record ScriptedNode(int Index, string NodeId, Uri HttpUrl, string Folder)
{
    public string LogPath => Path.Combine(Folder, "silo.log");
}

/// <summary>
/// A multi-process cluster driven through scripts/cluster.sh (its own redis-server for membership, one OS process per
/// silo, everything under one base folder), the way users run it. Stopping and deleting the folder is the caller's.
/// </summary>
public sealed class ScriptCluster(string script, string baseDirectory, string? workingDirectory = null)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(3);

    public string Script => script;

    public string BaseDirectory => baseDirectory;

    /// <summary>The silos, in index order, from the node folders the script keeps (read from disk on every call).</summary>
    public IReadOnlyList<ScriptedNode> Nodes =>
        Directory.Exists(Path.Combine(baseDirectory, "nodes"))
            ? Directory.GetDirectories(Path.Combine(baseDirectory, "nodes")).Select(Read).OfType<ScriptedNode>().OrderBy(n => n.Index).ToList()
            : [];

    /// <summary>Starts <paramref name="silos"/> silos counting up from the given ports; returns once all see each other.</summary>
    public Task<string> StartAsync(int silos, (int Http, int Silo, int Gateway) ports, string? siloDll, IEnumerable<string> siloArgs, string? nodePrefix = null)
    {
        List<string> args = ["start", silos.ToString(), "--http-port", ports.Http.ToString(), "--silo-port", ports.Silo.ToString(),
            "--gateway-port", ports.Gateway.ToString()];
        if (nodePrefix is not null) args.AddRange(["--node-prefix", nodePrefix]);
        if (siloDll is not null) args.AddRange(["--silo-dll", siloDll]);
        args.Add("--");
        args.AddRange(siloArgs);
        return RunAsync(args);
    }

    /// <summary>kill -9 of one silo.</summary>
    public Task<string> KillAsync(ScriptedNode node) => RunAsync(["kill", node.NodeId]);

    /// <summary>Starts the silo again (same node id, ports and data); returns once every silo sees every running silo.</summary>
    public Task<string> RestartAsync(ScriptedNode node) => RunAsync(["restart", node.NodeId]);

    /// <summary>Starts one more silo that joins the running cluster.</summary>
    public Task<string> AddAsync() => RunAsync(["add"]);

    public Task<string> StopAsync() => RunAsync(["stop"]);

    /// <summary>The script's status report and exit code (0 only when every silo runs and is healthy).</summary>
    public Task<(int ExitCode, string Output)> StatusAsync() => RunCapturingAsync(["status"]);

    /// <summary>The last lines of a silo's log, for failure messages.</summary>
    public static string LogTail(ScriptedNode node, int lines = 40) =>
        File.Exists(node.LogPath) ? string.Join('\n', File.ReadLines(node.LogPath).TakeLast(lines)) : "(no log)";

    private async Task<string> RunAsync(IReadOnlyList<string> args)
    {
        var (code, output) = await RunCapturingAsync(args);
        return code == 0 ? output : throw new InvalidOperationException($"cluster.sh {string.Join(' ', args)} exited with {code}:\n{output}");
    }

    private async Task<(int, string)> RunCapturingAsync(IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(args[0]);
        info.ArgumentList.Add("--base-dir");
        info.ArgumentList.Add(baseDirectory);
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

    /// <summary>The node its folder describes; null for a folder the script has not finished writing.</summary>
    private static ScriptedNode? Read(string folder)
    {
        var env = Path.Combine(folder, "node.env");
        if (!File.Exists(env)) return null;
        var values = File.ReadAllLines(env).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        return values.TryGetValue("INDEX", out var index) && values.TryGetValue("NODE_ID", out var id) && values.TryGetValue("HTTP_PORT", out var port)
            ? new ScriptedNode(int.Parse(index), id, new Uri($"http://127.0.0.1:{port}"), folder)
            : null;
    }
}
