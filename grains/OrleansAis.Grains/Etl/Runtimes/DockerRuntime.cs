using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansAis.Etl.Runtimes;

/// <summary>
/// Transformers as containers on this node's Docker engine (Docker Engine API, no API version pinned so a 20.10 engine
/// answers at its own 1.41). Host networking, the ETL's environment, labels naming node and ETL (orphans are found by
/// them), memory/cpu limits, and every mountpath bind-mounted read-only at the same path (fqn paths are identical
/// inside). Images are never pulled: no registry is reachable, so a missing image is an error saying to build it.
/// io:// gets an idle container; each object is a Docker exec of the spec's command.
/// </summary>
public sealed partial class DockerRuntime : IEtlRuntime, IDisposable
{
    /// <summary>Where the built-in transformer host lives inside the etl-host image; a command starting with <c>etl-host</c> runs it.</summary>
    public const string BuiltInHostPath = "/app/etl-host";

    public const string NodeLabel = "oais.node";
    public const string EtlLabel = "oais.etl";
    public const string ManagedLabel = "oais.managed";

    /// <summary>The idle entrypoint of an io:// container (coreutils' sleep; the commands run by exec).</summary>
    private static readonly string[] IdleEntrypoint = ["sleep", "infinity"];

    private readonly EtlOptions _options;
    private readonly ILogger<DockerRuntime> _log;
    private readonly DockerClient _client;
    private readonly string _endpoint;

    public DockerRuntime(IOptions<EtlOptions> options, ILogger<DockerRuntime> log)
    {
        _options = options.Value;
        _log = log;
        _client = CreateClient(_options.DockerEndpoint);
        _endpoint = _options.DockerEndpoint ?? Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
    }

    public string Kind => "docker";

    public string? CannotRun(EtlSpec spec) => string.IsNullOrWhiteSpace(spec.Runtime.Image) && spec.Runtime.Python is null
        ? $"ETL '{spec.Name}' gives no runtime.image; the Docker runtime needs one"
        : null;

    /// <summary>runtime.image, or for runtime.python without one the SDK's image.</summary>
    public static string ImageOf(EtlSpec spec) =>
        string.IsNullOrWhiteSpace(spec.Runtime.Image) && spec.Runtime.Python is not null ? PythonTransformer.DefaultImage : spec.Runtime.Image!;

    /// <summary>True when a Docker engine answers a ping at <paramref name="endpoint"/> (null: DOCKER_HOST or the default socket).</summary>
    public static async Task<bool> IsEngineReachableAsync(string? endpoint, TimeSpan timeout)
    {
        try
        {
            using var client = CreateClient(endpoint);
            using var cts = new CancellationTokenSource(timeout);
            await client.System.PingAsync(cts.Token);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>A client for <paramref name="endpoint"/>, or for DOCKER_HOST / the default socket when null (like the CLI).</summary>
    internal static DockerClient CreateClient(string? endpoint) => string.IsNullOrWhiteSpace(endpoint)
        ? new DockerClientBuilder().Build()
        : new DockerClientBuilder().WithEndpoint(new Uri(endpoint)).Build();

    /// <summary>The container name of one node's transformer for one ETL: <c>oais-&lt;node&gt;-&lt;etl&gt;</c>, reduced to what Docker accepts.</summary>
    public static string ContainerName(string nodeId, string etl)
    {
        var name = NotInName().Replace($"oais-{nodeId}-{etl}", "-");
        return name.Length <= 128 ? name : name[..128];
    }

    /// <summary>The spec's command with a leading <c>etl-host</c> replaced by the built-in host's path in the image; null when there is none.</summary>
    public static IReadOnlyList<string>? ResolveCommand(EtlSpec spec)
    {
        if (spec.Runtime.Python is not null) return ["python3", .. PythonTransformer.Arguments(spec)];
        var command = spec.Runtime.Command;
        if (command.Count == 0) return null;
        return command[0] == "etl-host" ? [BuiltInHostPath, .. command.Skip(1)] : command;
    }

    public async Task<ITransformerInstance> StartAsync(TransformerLaunch launch, CancellationToken ct)
    {
        var spec = launch.Spec;
        if (CannotRun(spec) is { } reason) throw new OaisException(OaisErrorCode.InvalidArgument, reason);
        var image = ImageOf(spec);
        var name = ContainerName(launch.NodeId, spec.Name);

        var imageInfo = await EngineCallAsync(async () =>
        {
            try
            {
                return await _client.Images.InspectImageAsync(image, ct);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw MissingImage(image);
            }
        });

        var command = ResolveCommand(spec);
        IReadOnlyList<string>? execCommand = null;
        if (!launch.ServesHttp)
        {
            execCommand = command ?? [.. imageInfo.Config?.Entrypoint ?? [], .. imageInfo.Config?.Cmd ?? []];
            if (execCommand.Count == 0)
                throw new OaisException(OaisErrorCode.InvalidArgument,
                    $"ETL '{spec.Name}' uses io:// but gives no runtime.command and image '{image}' has no entrypoint or command to run per object");
        }

        var parameters = new CreateContainerParameters
        {
            Name = name,
            Image = image,
            Env = [.. launch.Environment().Select(kv => $"{kv.Key}={kv.Value}")],
            Labels = new Dictionary<string, string>
            {
                [NodeLabel] = launch.NodeId,
                [EtlLabel] = spec.Name,
                [ManagedLabel] = "true",
            },
            Tty = false,
            HostConfig = new HostConfig
            {
                NetworkMode = "host",
                Memory = spec.Resources.MemoryBytes ?? 0,
                // No swap beyond the limit, so a transformer over its memory is OOM-killed (and says so) instead of crawling.
                MemorySwap = spec.Resources.MemoryBytes ?? 0,
                NanoCPUs = spec.Resources.NanoCpus ?? 0,
                Mounts = [.. launch.Mountpaths.Select(Path.GetFullPath).Distinct().Select(path => new Mount
                {
                    Type = "bind", Source = path, Target = path, ReadOnly = true,
                }),
                // The silo's and the transformer's Unix sockets, at the same paths as on the host.
                .. launch.SocketDirectory is { } sockets ? [new Mount { Type = "bind", Source = sockets, Target = sockets }] : Array.Empty<Mount>()],
            },
        };

        // io://: an idle container the per-object commands run in. Otherwise the spec's command, else the image's own
        // entrypoint and command. (An entrypoint given here drops the image's CMD; the empty Cmd says so explicitly.)
        if (!launch.ServesHttp || command is not null)
        {
            parameters.Entrypoint = launch.ServesHttp ? [.. command!] : [.. IdleEntrypoint];
            parameters.Cmd = [];
        }
        // io://: the engine's init (tini) as PID 1 reaps what killed per-object commands leave behind.
        if (!launch.ServesHttp) parameters.HostConfig.Init = true;

        var id = await EngineCallAsync(async () =>
        {
            try
            {
                return (await _client.Containers.CreateContainerAsync(parameters, ct)).ID;
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                // A container of that name survived a crash the orphan sweep did not see (or a racing restart): replace it.
                _log.LogWarning("Replacing leftover container {Name}", name);
                await RemoveQuietlyAsync(name, ct);
                return (await _client.Containers.CreateContainerAsync(parameters, ct)).ID;
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw MissingImage(image);
            }
        });

        try
        {
            await EngineCallAsync(() => _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct));
        }
        catch (Exception e)
        {
            await RemoveQuietlyAsync(id, CancellationToken.None);
            if (e is DockerApiException api)
                throw new OaisException(OaisErrorCode.TransformFailed, $"container {name} (image '{image}') did not start: {ApiMessage(api)}");
            throw;
        }
        _log.LogInformation("Started transformer {Etl} as container {Name} ({Id}) from {Image} on port {Port}",
            spec.Name, name, id[..Math.Min(12, id.Length)], image, launch.Port);
        return new Container(this, launch, id, name, execCommand);
    }

    public async Task RemoveOrphansAsync(string nodeId, CancellationToken ct)
    {
        var containers = await EngineCallAsync(() => _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{NodeLabel}={nodeId}"] = true, [$"{ManagedLabel}=true"] = true },
            },
        }, ct));
        foreach (var container in containers)
        {
            _log.LogWarning("Removing orphaned transformer container {Name} ({State}) of node {Node}",
                container.Names.FirstOrDefault()?.TrimStart('/') ?? container.ID, container.State, nodeId);
            await RemoveQuietlyAsync(container.ID, ct);
        }
    }

    public void Dispose() => _client.Dispose();

    private static OaisException MissingImage(string image) => new(OaisErrorCode.InvalidArgument,
        $"image '{image}' is not present on this node's Docker engine (no registry is reachable); build or load it first");

    private static string ApiMessage(DockerApiException e)
    {
        var body = e.ResponseBody?.Trim() ?? "";
        var match = MessageField().Match(body);
        return match.Success ? Regex.Unescape(match.Groups[1].Value) : body.Length > 0 ? body : e.Message;
    }

    /// <summary>Turns "the engine does not answer" into an error naming the endpoint.</summary>
    private async Task<T> EngineCallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException e)
        {
            throw new OaisException(OaisErrorCode.Unavailable, $"the Docker engine at {_endpoint} does not answer: {e.Message}");
        }
        catch (TimeoutException e)
        {
            throw new OaisException(OaisErrorCode.Unavailable, $"the Docker engine at {_endpoint} does not answer: {e.Message}");
        }
    }

    private Task EngineCallAsync(Func<Task> call) => EngineCallAsync(async () => { await call(); return true; });

    private async Task RemoveQuietlyAsync(string idOrName, CancellationToken ct)
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(idOrName, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    [GeneratedRegex("[^a-zA-Z0-9_.-]+")]
    private static partial Regex NotInName();

    [GeneratedRegex("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex MessageField();

    /// <summary>One transformer container.</summary>
    private sealed class Container : ITransformerInstance
    {
        private const int StderrTailBytes = 8 * 1024;

        private readonly DockerRuntime _runtime;
        private readonly TransformerLaunch _launch;
        private readonly string _id;
        private readonly string _name;
        private readonly IReadOnlyList<string>? _execCommand;
        private readonly CancellationTokenSource _disposed = new();
        private readonly LogBuffer _execLogs;
        private int _disposing;

        public Container(DockerRuntime runtime, TransformerLaunch launch, string id, string name, IReadOnlyList<string>? execCommand)
        {
            _runtime = runtime;
            _launch = launch;
            _id = id;
            _name = name;
            _execCommand = execCommand;
            _execLogs = new LogBuffer(runtime._options.LogLines);
            Exited = WatchAsync();
        }

        private DockerClient Client => _runtime._client;

        public Task<string> Exited { get; }

        /// <summary>Completes when the container stops (never faults): its exit code, and whether the memory limit killed it.</summary>
        private async Task<string> WatchAsync()
        {
            await Task.Yield();
            while (true)
            {
                try
                {
                    await Client.Containers.WaitContainerAsync(_id, _disposed.Token);
                    break;
                }
                catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
                {
                    return $"container {_name} was stopped by the node";
                }
                catch (Exception e) when (e is DockerContainerNotFoundException or DockerApiException { StatusCode: HttpStatusCode.NotFound })
                {
                    return $"container {_name} was removed";
                }
                catch (Exception e)
                {
                    // A client-side timeout on a long wait is not an exit: look, and keep waiting while it runs.
                    try
                    {
                        var state = (await Client.Containers.InspectContainerAsync(_id, _disposed.Token)).State;
                        if (state is { Running: true } or { Restarting: true } or { Paused: true }) continue;
                        break;
                    }
                    catch (Exception) when (_disposed.IsCancellationRequested)
                    {
                        return $"container {_name} was stopped by the node";
                    }
                    catch (Exception inspect)
                    {
                        return $"lost container {_name}: the Docker engine does not answer ({e.Message}; {inspect.Message})";
                    }
                }
            }
            try
            {
                if ((await Client.Containers.InspectContainerAsync(_id, CancellationToken.None)).State is not { } state)
                    return $"container {_name} stopped";
                var reason = new StringBuilder($"container {_name} exited with code {state.ExitCode}");
                if (state.OOMKilled)
                    reason.Append(_launch.Spec.Resources.MemoryBytes is { } limit
                        ? $" (OOM-killed: over its memory limit of {limit} bytes)"
                        : " (OOM-killed)");
                if (!string.IsNullOrEmpty(state.Error)) reason.Append(": ").Append(state.Error);
                return reason.ToString();
            }
            catch (Exception e)
            {
                return $"container {_name} stopped ({e.Message})";
            }
        }

        public async Task<string> LogsAsync(int lines, CancellationToken ct)
        {
            string container;
            try
            {
                using var stream = await Client.Containers.GetContainerLogsAsync(_id, new ContainerLogsParameters
                {
                    ShowStdout = true, ShowStderr = true, Tail = Math.Max(0, lines).ToString(),
                }, ct);
                // Frames come in the order they were written; keep that order across stdout and stderr.
                var text = new StringBuilder();
                var buffer = new byte[16 * 1024];
                var decoder = Encoding.UTF8.GetDecoder();
                var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
                while (true)
                {
                    var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
                    if (read.EOF) break;
                    var n = decoder.GetChars(buffer, 0, read.Count, chars, 0);
                    text.Append(chars, 0, n);
                }
                container = text.ToString().TrimEnd('\n');
            }
            catch (Exception e) when (e is DockerContainerNotFoundException or DockerApiException { StatusCode: HttpStatusCode.NotFound or HttpStatusCode.Conflict })
            {
                // Not found, or already dead and being removed: its logs went with it.
                container = $"(container {_name} is gone)";
            }
            if (_execCommand is null) return container;
            // io://: the container itself only sleeps; what the per-object commands wrote to stderr is the interesting part.
            var exec = _execLogs.Tail(lines);
            return container.Length == 0 ? exec : exec.Length == 0 ? container : container + "\n" + exec;
        }

        public async Task RunOnceAsync(Stream input, Stream output, IReadOnlyDictionary<string, string> env, CancellationToken ct)
        {
            if (_execCommand is null)
                throw new NotSupportedException($"ETL '{_launch.Spec.Name}' runs a server ({_launch.Spec.Communication.ToScheme()}), not per-object commands");

            // A tag in the environment lets a cancelled command (obj_timeout) be found and killed inside the container:
            // the Engine API has no call to kill an exec.
            var tag = Guid.NewGuid().ToString("N");
            var merged = new Dictionary<string, string>(_launch.Environment());
            foreach (var (k, v) in env) merged[k] = v;
            merged["OAIS_EXEC_ID"] = tag;

            var exec = await _runtime.EngineCallAsync(() => Client.Exec.CreateContainerExecAsync(_id, new ContainerExecCreateParameters
            {
                Cmd = [.. _execCommand],
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
            foreach (var line in errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)) _execLogs.Add(line);
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
                var inspect = await _runtime.EngineCallAsync(() => Client.Exec.InspectContainerExecAsync(execId, ct));
                if (!inspect.Running && inspect.ExitCode is { } code) return code;
                if (attempt >= 200)
                    throw new OaisException(OaisErrorCode.TransformFailed, $"command in container {_name} closed its output but did not exit");
                await Task.Delay(10, ct);
            }
        }

        /// <summary>Kills a per-object command (and its children) that outlived its request, found by the tag in its environment.</summary>
        private async Task KillExecAsync(string tag)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var killer = await Client.Exec.CreateContainerExecAsync(_id, new ContainerExecCreateParameters
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
                _runtime._log.LogDebug(e, "Could not kill a cancelled command in container {Name}", _name);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposing, 1) == 1) return;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                // A server gets SIGTERM and a moment to finish; the idle io:// container has nothing to finish.
                if (_execCommand is null)
                {
                    try
                    {
                        await Client.Containers.StopContainerAsync(_id, new ContainerStopParameters { WaitBeforeKillSeconds = 3 }, timeout.Token);
                    }
                    catch (Exception e) when (e is DockerContainerNotFoundException or DockerApiException)
                    {
                    }
                }
                await _runtime.RemoveQuietlyAsync(_id, timeout.Token);
                _runtime._log.LogInformation("Removed transformer container {Name}", _name);
            }
            catch (Exception e)
            {
                _runtime._log.LogWarning(e, "Could not remove transformer container {Name}; the next orphan sweep will", _name);
            }
            finally
            {
                _disposed.Cancel();
            }
        }
    }

    /// <summary>The last N bytes written (a command's stderr), decoded as UTF-8 on demand.</summary>
    private sealed class TailBuffer(int capacity)
    {
        private readonly byte[] _buffer = new byte[capacity];
        private long _written;

        public void Write(ReadOnlySpan<byte> data)
        {
            if (data.Length > capacity)
            {
                _written += data.Length - capacity;
                data = data[^capacity..];
            }
            foreach (var b in data) _buffer[(int)(_written++ % capacity)] = b;
        }

        public override string ToString()
        {
            if (_written <= capacity) return Encoding.UTF8.GetString(_buffer, 0, (int)_written);
            var start = (int)(_written % capacity);
            return "..." + Encoding.UTF8.GetString([.. _buffer[start..], .. _buffer[..start]]);
        }
    }
}
