using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Loader;

/// <summary>What one run of the loader did: exit code, stdout (the --json report) and stderr (progress).</summary>
public sealed record LoaderRun(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Report => JsonDocument.Parse(Stdout).RootElement;

    public JsonElement Operation(string name) => Report.GetProperty("operations").GetProperty(name);

    public long Count(string operation) => Operation(operation).GetProperty("count").GetInt64();

    public long Errors(string operation) => Operation(operation).GetProperty("errors").GetInt64();

    /// <summary>Objects the prefill wrote (0 when there was none).</summary>
    public long Prefilled => Report.GetProperty("prefill") is { ValueKind: JsonValueKind.Object } p ? p.GetProperty("objects").GetInt64() : 0;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the built <c>oais-loader</c> as a real process, the way a user or the benchmark scripts do.</summary>
public sealed class LoaderProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly StringBuilder _stderr = new();

    private LoaderProcess(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(RepoPaths.BuiltAssembly("client/OrleansAis.Loader", "oais-loader"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("OAIS_ENDPOINT");
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start oais-loader");
        RunRegistry.Track(_process);
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) _stderr.AppendLine(e.Data);
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts the loader against <paramref name="endpoints"/> (all of them, round-robin).</summary>
    public static LoaderProcess Start(IEnumerable<Uri> endpoints, params string[] args) =>
        new(new[] { "--endpoint", string.Join(',', endpoints.Select(e => e.ToString())) }.Concat(args));

    public static async Task<LoaderRun> RunAsync(IEnumerable<Uri> endpoints, params string[] args)
    {
        using var loader = Start(endpoints, args);
        return await loader.WaitAsync(TimeSpan.FromMinutes(2));
    }

    public async Task<LoaderRun> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"oais-loader did not finish within {timeout}:\n{Stderr}");
        }
        _process.WaitForExit(); // drains the asynchronous stderr reader
        return new LoaderRun(_process.ExitCode, await _stdout, Stderr);
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        RunRegistry.Forget(_process);
        _process.Dispose();
    }
}
