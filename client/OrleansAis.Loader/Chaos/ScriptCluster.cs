using System.Diagnostics;

namespace OrleansAis.Loader.Chaos;

/// <summary>One silo of the cluster, as scripts/cluster.sh keeps it in its node folder.</summary>
internal sealed record ChaosNode(int Index, string NodeId, Uri HttpUrl);

/// <summary>The cluster the chaos run starts and hurts, driven through scripts/cluster.sh (its own redis, one process per silo).</summary>
internal sealed class ScriptCluster(string script, string baseDir)
{
    public string BaseDir => baseDir;

    private volatile IReadOnlyList<ChaosNode> _nodes = [];

    /// <summary>The silos as of the last start or add (read from the script's node folders then, not on every request).</summary>
    public IReadOnlyList<ChaosNode> Nodes => _nodes;

    private void Refresh() =>
        _nodes = Directory.Exists(Path.Combine(baseDir, "nodes"))
            ? Directory.GetDirectories(Path.Combine(baseDir, "nodes")).Select(Read).OfType<ChaosNode>().OrderBy(n => n.Index).ToList()
            : [];

    public async Task StartAsync(int silos, string? siloDll, IEnumerable<string> siloArgs)
    {
        var ports = new Random().Next(20_000, 31_000); // below the ephemeral range: a restarted silo binds its ports again
        List<string> args = ["start", silos.ToString(), "--http-port", ports.ToString(), "--silo-port", (ports + 200).ToString(),
            "--gateway-port", (ports + 400).ToString()];
        if (siloDll is not null) args.AddRange(["--silo-dll", siloDll]);
        args.Add("--");
        args.AddRange(siloArgs);
        await RunAsync(args);
        Refresh();
    }

    public Task KillAsync(ChaosNode node) => RunAsync(["kill", node.NodeId]);
    public Task RestartAsync(ChaosNode node) => RunAsync(["restart", node.NodeId]);

    public async Task AddAsync()
    {
        await RunAsync(["add"]);
        Refresh();
    }

    public Task StopAsync() => RunAsync(["stop"]);

    private async Task RunAsync(IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(args[0]);
        info.ArgumentList.Add("--base-dir");
        info.ArgumentList.Add(baseDir);
        foreach (var a in args.Skip(1)) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not run bash");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', args)} exited with {process.ExitCode}: {await stdout}{await stderr}");
    }

    /// <summary>The node its folder describes; null for a folder the script has not finished writing.</summary>
    private static ChaosNode? Read(string folder)
    {
        var env = Path.Combine(folder, "node.env");
        if (!File.Exists(env)) return null;
        var values = File.ReadAllLines(env).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        return values.TryGetValue("INDEX", out var index) && values.TryGetValue("NODE_ID", out var id) && values.TryGetValue("HTTP_PORT", out var port)
            ? new ChaosNode(int.Parse(index), id, new Uri($"http://127.0.0.1:{port}"))
            : null;
    }
}
