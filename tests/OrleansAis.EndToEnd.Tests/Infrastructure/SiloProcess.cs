using System.Diagnostics;
using System.Text;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Infrastructure;

/// <summary>One real silo process (the built OrleansAis.Silo), its ports and its console output.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>The node ids of every silo this test host created (unique per fixture): what its transformers carry in OAIS_NODE_ID.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> NodeIdsOfThisRun = new();

    public SiloProcess(string nodeId, string dataDirectory, int siloPort, int gatewayPort, int httpPort, int primarySiloPort, string clusterStateDirectory)
    {
        NodeIdsOfThisRun[nodeId] = true;
        NodeId = nodeId;
        DataDirectory = dataDirectory;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
        PrimarySiloPort = primarySiloPort;
        ClusterStateDirectory = clusterStateDirectory;
    }

    public string NodeId { get; }
    public string DataDirectory { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public int HttpPort { get; }
    public int PrimarySiloPort { get; }
    public string ClusterStateDirectory { get; }
    public Uri HttpUrl => new($"http://127.0.0.1:{HttpPort}");
    public bool IsRunning => _process is { HasExited: false };

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException($"silo {NodeId} is not running");

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public void Start(IEnumerable<string>? extraArgs = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        info.ArgumentList.Add(RepoPaths.BuiltAssembly("silo/OrleansAis.Silo", "OrleansAis.Silo"));
        foreach (var arg in new[]
                 {
                     "--clustering", "development", "--node-id", NodeId, "--data", DataDirectory,
                     "--silo-port", SiloPort.ToString(), "--gateway-port", GatewayPort.ToString(),
                     "--http-port", HttpPort.ToString(), "--primary", $"127.0.0.1:{PrimarySiloPort}",
                     "--listen", "127.0.0.1", "--advertise", "127.0.0.1", "--cluster-state", ClusterStateDirectory,
                 }.Concat(extraArgs ?? []))
        {
            info.ArgumentList.Add(arg);
        }
        Directory.CreateDirectory(DataDirectory);
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the silo process");
        RunRegistry.Track(_process);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Kills the process at once (no graceful shutdown): a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        RunRegistry.Forget(_process);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits for it.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            Posix.Terminate(_process.Id);
            using var cts = new CancellationTokenSource(timeout);
            try { await _process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        }
        RunRegistry.Forget(_process);
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}

internal static class Posix
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public static void Terminate(int pid) => Kill(pid, 15);
}
