using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace OrleansAis.Etl.Runtimes;

/// <summary>
/// io:// in a container: each object is one Docker exec of the spec's command in the ETL's idle container, the object
/// multiplexed onto its stdin and its stdout taken as the result. A command that outlives its request is killed.
/// </summary>
internal sealed partial class DockerExec(DockerEngine engine, TransformerLaunch launch, string containerId, string containerName,
    IReadOnlyList<string> command, int logLines, ILogger log)
{
    private const int StderrTailBytes = 8 * 1024;

    private DockerClient Client => engine.Client;

    /// <summary>What the commands wrote to stderr (the container itself only sleeps).</summary>
    public LogBuffer Logs { get; } = new(logLines);

    public async Task RunAsync(Stream input, Stream output, IReadOnlyDictionary<string, string> env, CancellationToken ct)
    {
        // A tag in the environment lets a cancelled command (obj_timeout) be found and killed inside the container:
        // the Engine API has no call to kill an exec.
        var tag = Guid.NewGuid().ToString("N");
        var merged = new Dictionary<string, string>(launch.Environment());
        foreach (var (k, v) in env) merged[k] = v;
        merged["OAIS_EXEC_ID"] = tag;

        var exec = await engine.CallAsync(() => Client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = [.. command],
            Env = [.. merged.Select(kv => $"{kv.Key}={kv.Value}")],
            AttachStdin = true, AttachStdout = true, AttachStderr = true, TTY = false,
        }, ct));

        var stderr = new TailBuffer(StderrTailBytes);
        // The engine reports a command it could not start (exit 126/127) on stdout; keep the start of stdout to say why.
        var head = new MemoryStream();
        try
        {
            using (var stream = await Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters { Detach = false, TTY = false }, ct))
            {
                var feeding = FeedAsync(input, stream, ct);
                var buffer = new byte[64 * 1024];
                while (true)
                {
                    var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
                    if (read.EOF) break;
                    if (read.Target == MultiplexedStream.TargetStream.StandardError) stderr.Write(buffer.AsSpan(0, read.Count));
                    else
                    {
                        if (head.Length < 1024) head.Write(buffer, 0, Math.Min(read.Count, 1024 - (int)head.Length));
                        await output.WriteAsync(buffer.AsMemory(0, read.Count), ct);
                    }
                }
                await feeding;
            }
        }
        catch (Exception)
        {
            // Timed out, cancelled, or the connection broke: the command must not keep running in the container.
            _ = KillExecAsync(tag);
            throw;
        }

        var code = await ExitCodeAsync(exec.ID, ct);
        var errors = stderr.ToString().TrimEnd('\n');
        foreach (var line in errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Logs.Add(line);
        if (code is 126 or 127 && errors.Length == 0) errors = Encoding.UTF8.GetString(head.GetBuffer(), 0, (int)head.Length).Trim();
        if (code != 0)
            throw new OaisException(OaisErrorCode.TransformFailed,
                $"command exited with code {code}: {(errors.Length > 0 ? errors : "(no stderr)")}");
    }

    private static async Task FeedAsync(Stream input, MultiplexedStream stdin, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await input.ReadAsync(buffer, ct)) > 0) await stdin.WriteAsync(buffer, 0, n, ct);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The command stopped reading (e.g. it needed only a prefix); its exit code tells whether that is an error.
        }
        finally
        {
            try { stdin.CloseWrite(); }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        }
    }

    /// <summary>The exec's exit code; the stream can end a moment before the engine records it.</summary>
    private async Task<long> ExitCodeAsync(string execId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var inspect = await engine.CallAsync(() => Client.Exec.InspectContainerExecAsync(execId, ct));
            if (!inspect.Running && inspect.ExitCode is { } code) return code;
            if (attempt >= 200)
                throw new OaisException(OaisErrorCode.TransformFailed, $"command in container {containerName} closed its output but did not exit");
            await Task.Delay(10, ct);
        }
    }

    /// <summary>Kills a per-object command (and its children) that outlived its request, found by the tag in its environment.</summary>
    private async Task KillExecAsync(string tag)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var killer = await Client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
            {
                Cmd =
                [
                    "sh", "-c",
                    "for d in /proc/[0-9]*; do grep -qxz \"OAIS_EXEC_ID=$0\" \"$d/environ\" 2>/dev/null && kill -9 \"${d#/proc/}\"; done; true",
                    tag,
                ],
                AttachStdout = true, AttachStderr = true,
            }, timeout.Token);
            using var stream = await Client.Exec.StartContainerExecAsync(killer.ID, new ContainerExecStartParameters(), timeout.Token);
            await stream.ReadOutputToEndAsync(timeout.Token);
        }
        catch (Exception e)
        {
            CouldNotKill(e, containerName);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not kill a cancelled command in container {Name}")]
    private partial void CouldNotKill(Exception e, string name);
}
