using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Cli;

/// <summary>What one run of the CLI did: its exit code, stdout (as bytes and text) and stderr.</summary>
public sealed record CliRun(int ExitCode, byte[] StdoutBytes, string Stderr)
{
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);

    public JsonElement Json() => JsonDocument.Parse(StdoutBytes).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the built <c>oais</c> as a real process, the way a user or a script does.</summary>
public static class OaisCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs <c>oais args...</c> with <c>--endpoint</c> when <paramref name="endpoint"/> is given. OAIS_ENDPOINT is
    /// cleared unless <paramref name="environment"/> sets it, so the test machine's environment never leaks in.
    /// </summary>
    public static async Task<CliRun> RunAsync(Uri? endpoint, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, byte[]? stdin = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        info.ArgumentList.Add(RepoPaths.BuiltAssembly("client/OrleansAis.Cli", "oais"));
        if (endpoint is not null)
        {
            info.ArgumentList.Add("--endpoint");
            info.ArgumentList.Add(endpoint.ToString());
        }
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("OAIS_ENDPOINT");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start oais");
        RunRegistry.Track(process);
        try
        {
            return await WaitAsync(process, args, stdin);
        }
        finally
        {
            RunRegistry.Forget(process);
        }
    }

    private static async Task<CliRun> WaitAsync(Process process, IEnumerable<string> args, byte[]? stdin)
    {
        var stdout = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var readErr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"oais {string.Join(' ', args)} did not finish within {Timeout}");
        }
        await copyOut;
        return new CliRun(process.ExitCode, stdout.ToArray(), await readErr);
    }

    public static Task<CliRun> RunAsync(Uri? endpoint, params string[] args) => RunAsync(endpoint, (IEnumerable<string>)args);

    /// <summary>Runs and asserts exit code 0, showing the whole run when it is not.</summary>
    public static async Task<CliRun> OkAsync(Uri endpoint, params string[] args)
    {
        var run = await RunAsync(endpoint, args);
        Assert.True(run.ExitCode == 0, $"oais {string.Join(' ', args)}: {run}");
        return run;
    }
}
