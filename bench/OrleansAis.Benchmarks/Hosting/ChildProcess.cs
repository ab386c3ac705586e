using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansAis.Benchmarks.Hosting;

/// <summary>A server process this harness started: the tail of its output for error messages, and a clean stop.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 200;
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private bool _disposed;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public string OutputTail
    {
        get { lock (_tail) return string.Join('\n', _tail); }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name} ({fileName})");
        return new ChildProcess(process, name);
    }

    /// <summary>Throws with the process's last output when it has died (a server that exits during a run is a failed run).</summary>
    public void EnsureRunning()
    {
        if (_process.HasExited)
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{OutputTail}");
    }

    /// <summary>SIGTERM (graceful shutdown), then a kill of the whole tree if that takes longer than 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        // Idempotent: a failed start stops the process, and its owner's cleanup may stop it again.
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > KeptOutputLines) _tail.Dequeue();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
