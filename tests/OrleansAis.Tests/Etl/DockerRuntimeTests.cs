using System.Net;
using System.Net.Sockets;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansAis.Etl;
using OrleansAis.Etl.Runtimes;
using OrleansAis.Testing;

namespace OrleansAis.Tests.Etl;

/// <summary>
/// <see cref="DockerRuntime"/> against the real engine with the oais/etl-host image: what a container is created with,
/// health, logs, crash detection, orphan removal, io:// per-object exec, and the errors a user sees.
/// </summary>
public sealed class DockerRuntimeTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly DockerRuntime _runtime = new(Options.Create(new EtlOptions()), NullLogger<DockerRuntime>.Instance);
    private readonly DockerClient _docker = new DockerClientBuilder().Build();
    private readonly string _node = "test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _mountpath = Directory.CreateTempSubdirectory("oais-docker-mp-").FullName;
    private readonly List<ITransformerInstance> _started = [];

    public DockerRuntimeTests() => DockerAvailability.EnsureAvailable();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _started) await instance.DisposeAsync();
        await _runtime.RemoveOrphansAsync(_node, CancellationToken.None);
        await _runtime.RemoveOrphansAsync(_node + "-other", CancellationToken.None);
        _runtime.Dispose();
        _docker.Dispose();
        Directory.Delete(_mountpath, recursive: true);
    }

    [DockerFact]
    public async Task Server_container_has_the_spec_answers_health_writes_logs_and_reports_being_killed()
    {
        File.WriteAllText(Path.Combine(_mountpath, "object.bin"), "raw object bytes");
        var launch = Launch("docker-echo", EtlCommunication.Hpush, ["etl-host", "echo"],
            env: new() { ["GREETING"] = "hello from the spec" },
            resources: new EtlResources { MemoryBytes = 256L << 20, NanoCpus = 500_000_000 });
        var instance = await StartAsync(launch);
        var name = DockerRuntime.ContainerName(_node, "docker-echo");

        var inspect = await _docker.Containers.InspectContainerAsync(name);
        Assert.NotNull(inspect.Config);
        Assert.NotNull(inspect.HostConfig);
        Assert.Equal($"oais-{_node}-docker-echo", name);
        Assert.Equal("/" + name, inspect.Name);
        Assert.Equal(DockerAvailability.Image, inspect.Config.Image);
        Assert.Equal("host", inspect.HostConfig.NetworkMode);
        Assert.Equal(256L << 20, inspect.HostConfig.Memory);
        Assert.Equal(500_000_000, inspect.HostConfig.NanoCPUs);
        Assert.Equal(_node, inspect.Config.Labels[DockerRuntime.NodeLabel]);
        Assert.Equal("docker-echo", inspect.Config.Labels[DockerRuntime.EtlLabel]);
        Assert.Equal("true", inspect.Config.Labels[DockerRuntime.ManagedLabel]);
        Assert.Contains("GREETING=hello from the spec", inspect.Config.Env);
        Assert.Contains($"PORT={launch.Port}", inspect.Config.Env);
        Assert.Contains($"AIS_TARGET_URL={launch.TargetUrl}", inspect.Config.Env);
        Assert.Contains("ETL_NAME=docker-echo", inspect.Config.Env);
        Assert.Equal(DockerRuntime.BuiltInHostPath, inspect.Path);
        Assert.Equal(["echo"], inspect.Args);
        var mount = Assert.Single(inspect.Mounts);
        Assert.Equal((_mountpath, _mountpath, false), (mount.Source, mount.Destination, mount.RW));

        // The mountpath is readable at the same path inside (fqn mode), and not writable.
        Assert.Equal((0L, "raw object bytes"), await ExecAsync(name, "cat", Path.Combine(_mountpath, "object.bin")));
        Assert.NotEqual(0L, (await ExecAsync(name, "sh", "-c", $"echo x > {_mountpath}/new")).Code);

        await WaitHealthyAsync(launch.Port);
        using (var put = await Http.PutAsync($"http://127.0.0.1:{launch.Port}/bucket/object", new StringContent("echo me")))
            Assert.Equal("echo me", await put.Content.ReadAsStringAsync());

        Assert.Contains($":{launch.Port}", await instance.LogsAsync(20, CancellationToken.None)); // the startup line names its address
        Assert.False(instance.Exited.IsCompleted);

        await _docker.Containers.KillContainerAsync(name, new ContainerKillParameters());
        var reason = await instance.Exited.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Contains($"container {name} exited with code 137", reason);

        await instance.DisposeAsync();
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _docker.Containers.InspectContainerAsync(name));
    }

    [DockerFact]
    public async Task Io_runs_the_command_per_object_in_an_idle_container()
    {
        var instance = await StartAsync(Launch("docker-upper", EtlCommunication.Io, ["tr", "a-z", "A-Z"]));
        var inspect = await _docker.Containers.InspectContainerAsync(DockerRuntime.ContainerName(_node, "docker-upper"));
        Assert.True(inspect.State?.Running);
        Assert.Equal(["sleep", "infinity"], inspect.Config?.Entrypoint);
        Assert.True(inspect.HostConfig?.Init);

        Assert.Equal("HELLO, WORLD 123", await RunAsync(instance, "hello, world 123"));
        Assert.Equal("", await RunAsync(instance, ""));

        // Several MiB each way at once: stdin and stdout are streamed concurrently, nothing waits for the whole input.
        var random = new Random(7);
        var body = new byte[8 << 20];
        for (var i = 0; i < body.Length; i++) body[i] = (byte)(i % 81 == 80 ? '\n' : 'a' + random.Next(26));
        using var output = new MemoryStream();
        await instance.RunOnceAsync(new MemoryStream(body), output, new Dictionary<string, string>(), CancellationToken.None);
        Assert.Equal(body.Select(b => b == '\n' ? b : (byte)(b - 32)).ToArray(), output.ToArray());
    }

    [DockerFact]
    public async Task Io_passes_per_object_env_reports_failures_with_stderr_and_kills_a_cancelled_command()
    {
        const string script = """
            cat; [ -n "$SLEEP" ] && sleep "$SLEEP"; printf ' %s %s' "$ETL_NAME" "$OAIS_OBJECT"
            echo "complaint about $OAIS_OBJECT" >&2; exit "${EXIT_CODE:-0}"
            """;
        var instance = await StartAsync(Launch("docker-shell", EtlCommunication.Io, ["sh", "-c", script]));
        var name = DockerRuntime.ContainerName(_node, "docker-shell");

        Assert.Equal("body docker-shell b/o1", await RunAsync(instance, "body", new() { ["OAIS_OBJECT"] = "b/o1" }));

        var failed = await Assert.ThrowsAsync<OaisException>(() =>
            RunAsync(instance, "body", new() { ["OAIS_OBJECT"] = "b/o2", ["EXIT_CODE"] = "3" }));
        Assert.Equal(OaisErrorCode.TransformFailed, failed.Code);
        Assert.Equal("command exited with code 3: complaint about b/o2", failed.Message);
        Assert.Contains("complaint about b/o1", await instance.LogsAsync(10, CancellationToken.None));

        // obj_timeout: the caller cancels; the command must not keep running inside the container.
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            RunAsync(instance, "body", new() { ["OAIS_OBJECT"] = "b/o3", ["SLEEP"] = "30" }, cts.Token));
        await Waiting.WaitUntil(() => CommandsAsync(name), commands => !commands.Any(c => c.Contains("sleep 30")), TimeSpan.FromSeconds(10),
            commands => "the cancelled command still runs: " + string.Join("; ", commands), TimeSpan.FromMilliseconds(100));

        // Still usable afterwards.
        Assert.Equal("again docker-shell b/o4", await RunAsync(instance, "again", new() { ["OAIS_OBJECT"] = "b/o4" }));
    }

    [DockerFact]
    public async Task Io_command_missing_from_the_image_is_a_transform_failure()
    {
        var instance = await StartAsync(Launch("docker-missing-cmd", EtlCommunication.Io, ["no-such-command"]));
        var failed = await Assert.ThrowsAsync<OaisException>(() => RunAsync(instance, "x"));
        Assert.Equal(OaisErrorCode.TransformFailed, failed.Code);
        Assert.Matches("^command exited with code 12[67]: .*no-such-command", failed.Message);
    }

    [DockerFact]
    public async Task Orphans_of_a_node_are_removed_by_label_and_other_nodes_are_left_alone()
    {
        // A previous incarnation of this node (crashed: nothing disposed) and another node on the same engine.
        await _runtime.StartAsync(Launch("orphan-one", EtlCommunication.Io, ["cat"]), CancellationToken.None);
        await _runtime.StartAsync(Launch("orphan-two", EtlCommunication.Io, ["cat"]), CancellationToken.None);
        var other = await StartAsync(Launch("orphan-one", EtlCommunication.Io, ["cat"], node: _node + "-other"));
        Assert.Equal(2, (await ContainersOfAsync(_node)).Count);

        await _runtime.RemoveOrphansAsync(_node, CancellationToken.None);

        Assert.Empty(await ContainersOfAsync(_node));
        Assert.Single(await ContainersOfAsync(_node + "-other"));
        Assert.Equal("x", await RunAsync(other, "x"));
    }

    [DockerFact]
    public async Task A_missing_image_is_refused_without_pulling_and_a_spec_without_image_cannot_run()
    {
        var launch = Launch("docker-noimage", EtlCommunication.Hpush, ["etl-host", "echo"], image: "oais/no-such-image:latest");
        var missing = await Assert.ThrowsAsync<OaisException>(() => _runtime.StartAsync(launch, CancellationToken.None));
        Assert.Equal(OaisErrorCode.InvalidArgument, missing.Code);
        Assert.Equal("image 'oais/no-such-image:latest' is not present on this node's Docker engine (no registry is reachable); build or load it first",
            missing.Message);
        Assert.Empty(await ContainersOfAsync(_node));

        var noImage = new EtlSpec { Name = "process-only", Runtime = new EtlRuntimeSpec { Command = ["etl-host", "echo"] } };
        Assert.Equal("ETL 'process-only' gives no runtime.image; the Docker runtime needs one", _runtime.CannotRun(noImage));
        var refused = await Assert.ThrowsAsync<OaisException>(() => _runtime.StartAsync(
            new TransformerLaunch { Spec = noImage, NodeId = _node, Port = 1, TargetUrl = "http://127.0.0.1:1/" }, CancellationToken.None));
        Assert.Equal(OaisErrorCode.InvalidArgument, refused.Code);
    }

    [DockerFact]
    public async Task The_engine_is_reachable()
    {
        Assert.True(await DockerRuntime.IsEngineReachableAsync(null, TimeSpan.FromSeconds(5)));
    }

    private TransformerLaunch Launch(string etl, EtlCommunication communication, IReadOnlyList<string> command,
        string image = DockerAvailability.Image, Dictionary<string, string>? env = null, EtlResources? resources = null, string? node = null) => new()
    {
        Spec = new EtlSpec
        {
            Name = etl,
            Runtime = new EtlRuntimeSpec { Image = image, Command = command },
            Communication = communication,
            Env = env ?? [],
            Resources = resources ?? new EtlResources(),
        },
        NodeId = node ?? _node,
        Port = FreePort(),
        TargetUrl = $"http://127.0.0.1:1/v1/etl/{etl}/raw",
        Mountpaths = [_mountpath],
    };

    private async Task<ITransformerInstance> StartAsync(TransformerLaunch launch)
    {
        var instance = await _runtime.StartAsync(launch, CancellationToken.None);
        _started.Add(instance);
        return instance;
    }

    private static async Task<string> RunAsync(ITransformerInstance instance, string input, Dictionary<string, string>? env = null,
        CancellationToken ct = default)
    {
        using var output = new MemoryStream();
        await instance.RunOnceAsync(new MemoryStream(Encoding.UTF8.GetBytes(input)), output, env ?? [], ct);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private async Task<(long Code, string Output)> ExecAsync(string container, params string[] command)
    {
        var exec = await _docker.Exec.CreateContainerExecAsync(container, new ContainerExecCreateParameters
        {
            Cmd = command, AttachStdout = true, AttachStderr = true,
        });
        using (var stream = await _docker.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters()))
        {
            var (stdout, _) = await stream.ReadOutputToEndAsync(CancellationToken.None);
            var result = await Waiting.WaitUntil(() => _docker.Exec.InspectContainerExecAsync(exec.ID), r => !r.Running, TimeSpan.FromSeconds(10),
                _ => $"exec of `{string.Join(' ', command)}` in {container} did not finish", TimeSpan.FromMilliseconds(20));
            return (result.ExitCode ?? -1, stdout);
        }
    }

    private async Task<List<string>> CommandsAsync(string container)
    {
        var top = await _docker.Containers.ListProcessesAsync(container, new ContainerListProcessesParameters());
        return [.. top.Processes.Select(p => string.Join(' ', p))];
    }

    private async Task<IList<ContainerListResponse>> ContainersOfAsync(string node) =>
        await _docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerRuntime.NodeLabel}={node}"] = true } },
        });

    private static async Task WaitHealthyAsync(int port)
    {
        await Waiting.WaitUntil(async () =>
        {
            try
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{port}/health");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false; // not listening yet
            }
        }, TimeSpan.FromSeconds(30), () => $"no /health answer on port {port}", TimeSpan.FromMilliseconds(50));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What needs no engine: the runtime's answers when there is none, and its naming.</summary>
[Trait("Category", "Fast")]
public sealed class DockerRuntimeOfflineTests
{
    [Fact]
    public async Task An_engine_that_does_not_answer_is_reported_as_unavailable()
    {
        using var runtime = new DockerRuntime(Options.Create(new EtlOptions { DockerEndpoint = "unix:///nonexistent/docker.sock" }),
            NullLogger<DockerRuntime>.Instance);
        var launch = new TransformerLaunch
        {
            Spec = new EtlSpec { Name = "docker-nowhere", Runtime = new EtlRuntimeSpec { Image = DockerAvailability.Image } },
            NodeId = "node-1", Port = 1, TargetUrl = "http://127.0.0.1:1/",
        };
        var failed = await Assert.ThrowsAsync<OaisException>(() => runtime.StartAsync(launch, CancellationToken.None));
        Assert.Equal(OaisErrorCode.Unavailable, failed.Code);
        Assert.StartsWith("the Docker engine at unix:///nonexistent/docker.sock does not answer", failed.Message);
        Assert.False(await DockerRuntime.IsEngineReachableAsync("unix:///nonexistent/docker.sock", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Container_names_are_what_docker_accepts_and_etl_host_is_the_built_in_host()
    {
        Assert.Equal("oais-node_1.a-b-my-etl1", DockerRuntime.ContainerName("node_1.a:b", "my-etl1"));
        var spec = new EtlSpec { Name = "my-etl1", Runtime = new EtlRuntimeSpec { Image = "x", Command = ["etl-host", "md5"] } };
        Assert.Equal(["/app/etl-host", "md5"], DockerRuntime.ResolveCommand(spec));
        Assert.Null(DockerRuntime.ResolveCommand(new EtlSpec { Name = "my-etl1", Runtime = new EtlRuntimeSpec { Image = "x" } }));
    }
}
