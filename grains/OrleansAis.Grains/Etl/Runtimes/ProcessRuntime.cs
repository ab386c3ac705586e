using OrleansAis.Etl.Protocol;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansAis.Etl.Runtimes;

/// <summary>
/// Transformers as child processes of the silo (hosts without a Docker engine, development, the embedded default).
/// Same lifecycle and communicators as containers; <c>etl-host</c> as the first command word is the built-in host.
/// A pid file per ETL lets a restarted silo kill what a crashed one left running.
/// </summary>
public sealed class ProcessRuntime(IOptions<EtlOptions> options, ILogger<ProcessRuntime> log) : IEtlRuntime
{
    private readonly EtlOptions _options = options.Value;

    public string Kind => "process";

    /// <summary>Where pid files live; set by the host before first use (the silo's data directory).</summary>
    public string? StateDirectory { get; set; }

    public string? CannotRun(EtlSpec spec) => spec.Runtime.Command.Count > 0 || spec.Runtime.Python is not null
        ? null
        : $"ETL '{spec.Name}' names only an image ('{spec.Runtime.Image}'), and this silo runs transformers as local processes " +
          "(no Docker engine); give runtime.command to run it as a process";

    public Task<ITransformerInstance> StartAsync(TransformerLaunch launch, CancellationToken ct)
    {
        if (CannotRun(launch.Spec) is { } reason) throw new OaisException(OaisErrorCode.InvalidArgument, reason);
        if (!launch.ServesHttp) return Task.FromResult<ITransformerInstance>(new PerObjectCommand(this, launch));
        var process = Spawn(launch, launch.Environment(), redirectStdin: false);
        WritePidFile(launch, process.Id);
        var logs = new LogBuffer(_options.LogLines);
        var exited = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) logs.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) logs.Add(e.Data); };
        process.EnableRaisingEvents = true;
        var pid = process.Id;
        process.Exited += (_, _) => _ = ReportExitAsync(process, pid, exited);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited) _ = ReportExitAsync(process, pid, exited);
        log.LogInformation("Started transformer {Etl} as process {Pid} on port {Port}", launch.Spec.Name, process.Id, launch.Port);
        return Task.FromResult<ITransformerInstance>(new ServerProcess(this, launch, process, logs, exited));
    }

    /// <summary>
    /// Completes <paramref name="exited"/> once the output has been read to its end (bounded: a child left holding the
    /// pipes must not hold it up), so that its last lines are in the logs: they say why, e.g. that its port was taken.
    /// </summary>
    private static async Task ReportExitAsync(Process process, int pid, TaskCompletionSource<string> exited)
    {
        using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await process.WaitForExitAsync(drained.Token);
            exited.TrySetResult($"transformer process {pid} exited with code {process.ExitCode}");
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // Output still held open, or the node disposed the process meanwhile (it killed it: nobody waits for the reason).
            exited.TrySetResult($"transformer process {pid} exited");
        }
    }

    public Task RemoveOrphansAsync(string nodeId, CancellationToken ct)
    {
        var folder = PidFolder();
        if (folder is null || !Directory.Exists(folder)) return Task.CompletedTask;
        foreach (var file in Directory.EnumerateFiles(folder, "*.pid"))
        {
            if (int.TryParse(File.ReadAllText(file).Trim(), out var pid) && IsOurTransformer(pid, Path.GetFileNameWithoutExtension(file)))
            {
                try
                {
                    using var orphan = Process.GetProcessById(pid);
                    orphan.Kill(entireProcessTree: true);
                    log.LogWarning("Killed orphaned transformer process {Pid} ({File})", pid, Path.GetFileName(file));
                }
                catch (ArgumentException)
                {
                    // already gone
                }
            }
            File.Delete(file);
        }
        return Task.CompletedTask;
    }

    /// <summary>The command line with a leading <c>etl-host</c> replaced by the configured built-in host command.</summary>
    internal IReadOnlyList<string> ResolveCommand(EtlSpec spec)
    {
        if (spec.Runtime.Python is not null) return [.. SplitCommand(_options.PythonCommand), .. PythonTransformer.Arguments(spec)];
        var command = spec.Runtime.Command;
        if (command[0] != "etl-host" || string.IsNullOrWhiteSpace(_options.EtlHostCommand)) return command;
        return [.. _options.EtlHostCommand.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), .. command.Skip(1)];
    }

    internal Process Spawn(TransformerLaunch launch, IReadOnlyDictionary<string, string> env, bool redirectStdin)
    {
        var command = ResolveCommand(launch.Spec);
        var info = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
        };
        foreach (var arg in command.Skip(1)) info.ArgumentList.Add(arg);
        foreach (var (k, v) in env) info.Environment[k] = v;
        info.Environment[TransformerEnvironment.ParentPid] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (launch.Spec.Runtime.Python is not null && !string.IsNullOrWhiteSpace(_options.PythonSdkPath))
            info.Environment["PYTHONPATH"] = info.Environment.TryGetValue("PYTHONPATH", out var path) && !string.IsNullOrEmpty(path)
                ? $"{_options.PythonSdkPath}{Path.PathSeparator}{path}"
                : _options.PythonSdkPath;
        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new OaisException(OaisErrorCode.InvalidArgument, $"runtime.command: cannot run '{command[0]}': {e.Message}{FixFor(launch.Spec, command[0])}");
        }
    }

    /// <summary>What to do about a command that would not start, by the kind of command it was.</summary>
    private static string FixFor(EtlSpec spec, string program) =>
        spec.Runtime.Python is not null
            ? $" (runtime.python runs '{program}': install python3 on this node, or set Etl:PythonCommand)"
            : spec.Runtime.Command[0] == "etl-host"
                ? " (the built-in host is built with the silo into its etl-host/ folder: rebuild the silo, or set Etl:EtlHostCommand)"
                : Path.IsPathRooted(program) ? " (no such file on this node)" : " (not found on this node's PATH: install it or give its absolute path)";

    private static string[] SplitCommand(string command) =>
        command.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string? PidFolder() => StateDirectory is null ? null : Path.Combine(StateDirectory, "etl-processes");

    private void WritePidFile(TransformerLaunch launch, int pid)
    {
        if (PidFolder() is not { } folder) return;
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, launch.Spec.Name + ".pid"), pid.ToString());
    }

    internal void RemovePidFile(TransformerLaunch launch)
    {
        if (PidFolder() is { } folder) File.Delete(Path.Combine(folder, launch.Spec.Name + ".pid"));
    }

    // A pid may have been reused since the crash: only kill a process whose environment names this ETL.
    private static bool IsOurTransformer(int pid, string etl)
    {
        try
        {
            var environ = File.ReadAllText($"/proc/{pid}/environ");
            return environ.Split('\0').Contains($"{TransformerEnvironment.EtlName}={etl}");
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>A long-running transformer server process.</summary>
    private sealed class ServerProcess(ProcessRuntime runtime, TransformerLaunch launch, Process process, LogBuffer logs, TaskCompletionSource<string> exited)
        : ITransformerInstance
    {
        public Task<string> Exited => exited.Task;

        public Task<string> LogsAsync(int lines, CancellationToken ct) => Task.FromResult(logs.Tail(lines));

        public Task RunOnceAsync(Stream input, Stream output, IReadOnlyDictionary<string, string> env, CancellationToken ct) =>
            throw new NotSupportedException($"ETL '{launch.Spec.Name}' runs a server ({launch.Spec.Communication.ToScheme()}), not per-object commands");

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            runtime.RemovePidFile(launch);
            process.Dispose();
        }
    }

    /// <summary>io://: nothing runs between objects; each object gets a fresh process of the spec's command.</summary>
    private sealed class PerObjectCommand(ProcessRuntime runtime, TransformerLaunch launch) : ITransformerInstance
    {
        private readonly LogBuffer _logs = new(runtime._options.LogLines);
        private readonly TaskCompletionSource<string> _never = new();

        public Task<string> Exited => _never.Task;

        public Task<string> LogsAsync(int lines, CancellationToken ct) => Task.FromResult(_logs.Tail(lines));

        public Task RunOnceAsync(Stream input, Stream output, IReadOnlyDictionary<string, string> env, CancellationToken ct) =>
            RunAsync(runtime, launch, input, output, env, _logs, ct);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public static async Task RunAsync(ProcessRuntime runtime, TransformerLaunch launch, Stream input, Stream output,
            IReadOnlyDictionary<string, string> env, LogBuffer logs, CancellationToken ct)
        {
            var merged = new Dictionary<string, string>(launch.Environment());
            foreach (var (k, v) in env) merged[k] = v;
            using var process = runtime.Spawn(launch, merged, redirectStdin: true);
            var stderr = new LogBuffer(50);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                stderr.Add(e.Data);
                logs.Add(e.Data);
            };
            process.BeginErrorReadLine();
            try
            {
                var feeding = FeedAsync(input, process.StandardInput.BaseStream, ct);
                await process.StandardOutput.BaseStream.CopyToAsync(output, 1 << 16, ct);
                await feeding;
                await process.WaitForExitAsync(ct);
            }
            catch
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                throw;
            }
            if (process.ExitCode != 0)
                throw new OaisException(OaisErrorCode.TransformFailed, $"command exited with code {process.ExitCode}: {stderr.Tail(10)}");
        }

        private static async Task FeedAsync(Stream input, Stream stdin, CancellationToken ct)
        {
            try
            {
                await input.CopyToAsync(stdin, 1 << 16, ct);
            }
            catch (IOException)
            {
                // The command stopped reading (e.g. it only needed a prefix); its exit code tells whether that is an error.
            }
            finally
            {
                await stdin.DisposeAsync();
            }
        }
    }
}
