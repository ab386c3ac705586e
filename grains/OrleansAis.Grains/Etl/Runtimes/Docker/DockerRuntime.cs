using System.Net;
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
    private readonly DockerEngine _engine;

    public DockerRuntime(IOptions<EtlOptions> options, ILogger<DockerRuntime> log)
    {
        _options = options.Value;
        _log = log;
        _engine = new DockerEngine(_options.DockerEndpoint);
    }

    private DockerClient Client => _engine.Client;

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
            using var client = DockerEngine.CreateClient(endpoint);
            using var cts = new CancellationTokenSource(timeout);
            await client.System.PingAsync(cts.Token);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

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

        var imageInfo = await _engine.CallAsync(async () =>
        {
            try
            {
                return await Client.Images.InspectImageAsync(image, ct);
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

        var id = await _engine.CallAsync(async () =>
        {
            try
            {
                return (await Client.Containers.CreateContainerAsync(parameters, ct)).ID;
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                // A container of that name survived a crash the orphan sweep did not see (or a racing restart): replace it.
                ReplacingLeftover(name);
                await _engine.RemoveQuietlyAsync(name, ct);
                return (await Client.Containers.CreateContainerAsync(parameters, ct)).ID;
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw MissingImage(image);
            }
        });

        try
        {
            await _engine.CallAsync(() => Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct));
        }
        catch (Exception e)
        {
            await _engine.RemoveQuietlyAsync(id, CancellationToken.None);
            if (e is DockerApiException api)
                throw new OaisException(OaisErrorCode.TransformFailed, $"container {name} (image '{image}') did not start: {DockerEngine.ApiMessage(api)}");
            throw;
        }
        Started(spec.Name, name, id[..Math.Min(12, id.Length)], image, launch.Port);
        var exec = execCommand is null ? null : new DockerExec(_engine, launch, id, name, execCommand, _options.LogLines, _log);
        return new DockerContainer(_engine, launch, id, name, exec, _log);
    }

    public async Task RemoveOrphansAsync(string nodeId, CancellationToken ct)
    {
        var containers = await _engine.CallAsync(() => Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{NodeLabel}={nodeId}"] = true, [$"{ManagedLabel}=true"] = true },
            },
        }, ct));
        foreach (var container in containers)
        {
            RemovingOrphan(container.Names.FirstOrDefault()?.TrimStart('/') ?? container.ID, container.State, nodeId);
            await _engine.RemoveQuietlyAsync(container.ID, ct);
        }
    }

    public void Dispose() => _engine.Dispose();

    private static OaisException MissingImage(string image) => new(OaisErrorCode.InvalidArgument,
        $"image '{image}' is not present on this node's Docker engine (no registry is reachable); build or load it first");

    [GeneratedRegex("[^a-zA-Z0-9_.-]+")]
    private static partial Regex NotInName();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replacing leftover container {Name}")]
    private partial void ReplacingLeftover(string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started transformer {Etl} as container {Name} ({Id}) from {Image} on port {Port}")]
    private partial void Started(string etl, string name, string id, string image, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing orphaned transformer container {Name} ({State}) of node {Node}")]
    private partial void RemovingOrphan(string name, string state, string node);
}
