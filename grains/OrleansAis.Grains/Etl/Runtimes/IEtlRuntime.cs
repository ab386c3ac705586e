using OrleansAis.Etl.Protocol;

namespace OrleansAis.Etl.Runtimes;

/// <summary>Starts transformers of one kind (Docker containers, local processes). One instance per silo.</summary>
public interface IEtlRuntime
{
    /// <summary>"docker" or "process".</summary>
    string Kind { get; }

    /// <summary>Null when this runtime can run the spec, else a sentence saying why not (nothing is started).</summary>
    string? CannotRun(EtlSpec spec);

    /// <summary>
    /// Starts the transformer (for io://: whatever the per-object commands need, e.g. an idle container).
    /// Does not wait for health; the caller probes the endpoint.
    /// </summary>
    Task<ITransformerInstance> StartAsync(TransformerLaunch launch, CancellationToken ct);

    /// <summary>Removes transformers a previous incarnation of this node left behind (crash, kill -9).</summary>
    Task RemoveOrphansAsync(string nodeId, CancellationToken ct);
}

/// <summary>One running transformer.</summary>
public interface ITransformerInstance : IAsyncDisposable
{
    /// <summary>Completes when the transformer stops on its own (crash, exit), with the reason.</summary>
    Task<string> Exited { get; }

    /// <summary>The last <paramref name="lines"/> lines of its stdout and stderr.</summary>
    Task<string> LogsAsync(int lines, CancellationToken ct);

    /// <summary>
    /// io://: runs the spec's command once for one object, <paramref name="input"/> on stdin, stdout into
    /// <paramref name="output"/>. A non-zero exit is a <see cref="OaisErrorCode.TransformFailed"/> with its stderr.
    /// </summary>
    Task RunOnceAsync(Stream input, Stream output, IReadOnlyDictionary<string, string> env, CancellationToken ct);
}

/// <summary>Everything a runtime needs to start one node's transformer for one ETL.</summary>
public sealed record TransformerLaunch
{
    public required EtlSpec Spec { get; init; }
    public required string NodeId { get; init; }
    /// <summary>Port the transformer listens on (host networking); 0: it binds a free one and reports it in <see cref="PortFile"/>.</summary>
    public required int Port { get; init; }
    /// <summary>Where the transformer reports the TCP port it bound (none: the silo only knows <see cref="Port"/>).</summary>
    public string? PortFile { get; init; }
    /// <summary>AIS_TARGET_URL: this node's guarded raw-object endpoint for this ETL.</summary>
    public required string TargetUrl { get; init; }
    /// <summary>The Unix socket the transformer is asked to listen on besides its port (none: TCP only).</summary>
    public string? ListenSocket { get; init; }
    /// <summary>The silo's own Unix socket for the transformer's requests to <see cref="TargetUrl"/> (none: TCP).</summary>
    public string? TargetSocket { get; init; }
    /// <summary>The folder holding both sockets and the port file (bind-mounted read-write into containers).</summary>
    public string? SocketDirectory { get; init; }
    /// <summary>Mountpaths the transformer may read in fqn mode (mounted read-only into containers).</summary>
    public IReadOnlyList<string> Mountpaths { get; init; } = [];

    /// <summary>False for io://: no server runs, commands run per object.</summary>
    public bool ServesHttp => Spec.Communication != EtlCommunication.Io;

    /// <summary>The transformer's environment: the spec's variables plus the contract variables (which win).</summary>
    public IReadOnlyDictionary<string, string> Environment()
    {
        var env = new Dictionary<string, string>();
        foreach (var (k, v) in Spec.Runtime.Env) env[k] = v;
        foreach (var (k, v) in Spec.Env) env[k] = v;
        foreach (var (k, v) in PythonTransformer.Environment(Spec)) env[k] = v;
        env[TransformerEnvironment.TargetUrl] = TargetUrl;
        env[TransformerEnvironment.DirectPut] = Spec.SupportDirectPut ? "true" : "false";
        env[TransformerEnvironment.Port] = Port.ToString();
        env[TransformerEnvironment.EtlName] = Spec.Name;
        env[TransformerEnvironment.NodeId] = NodeId;
        if (ListenSocket is { } listen) env[TransformerEnvironment.ListenSocket] = listen;
        if (TargetSocket is { } target) env[TransformerEnvironment.TargetSocket] = target;
        if (PortFile is { } portFile) env[TransformerEnvironment.PortFile] = portFile;
        return env;
    }
}
