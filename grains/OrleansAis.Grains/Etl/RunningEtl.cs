using OrleansAis.Etl.Communicators;
using OrleansAis.Etl.Runtimes;

namespace OrleansAis.Etl;

/// <summary>One ETL on this node: its transformer instance, communicator, stage and counters.</summary>
internal sealed class RunningEtl(EtlSpec spec, string secret, string runtimeKind)
{
    private long _objects, _bytesIn, _bytesOut, _errors;

    public EtlSpec Spec { get; } = spec;
    /// <summary>Per-ETL secret in AIS_TARGET_URL: only this ETL's transformers can use the raw-object and direct-put endpoint.</summary>
    public string Secret { get; } = secret;
    public string RuntimeKind { get; } = runtimeKind;
    public EtlStage Stage { get; set; } = EtlStage.Initializing;
    public string? Error { get; set; }
    /// <summary>The last failed object here: when, which object, and the transformer's own message (shown per node).</summary>
    public string? LastTransformError { get; set; }
    public int Restarts { get; set; }
    /// <summary>Set while a stop or delete is in progress or done: an exit is then not a crash.</summary>
    public bool Stopping { get; set; }
    public int Port { get; set; }
    /// <summary>The transformer's Unix socket when it listens on one (the silo's requests go there), else null.</summary>
    public string? Socket { get; set; }
    public ITransformerInstance? Instance { get; set; }
    /// <summary>
    /// The last lines of the transformer process that crashed before the current one, under a header saying how and
    /// when it ended: a restart must not erase why it died. Null until a crash.
    /// </summary>
    public string? PreviousLogs { get; set; }
    public IEtlCommunicator? Communicator { get; set; }
    /// <summary>The transformer's address as HTTP clients outside this silo reach it (hpull redirects).</summary>
    public Uri? PublicEndpoint { get; set; }

    public void Count(long bytesIn, long bytesOut)
    {
        Interlocked.Increment(ref _objects);
        Interlocked.Add(ref _bytesIn, bytesIn);
        Interlocked.Add(ref _bytesOut, bytesOut);
    }

    public void CountError() => Interlocked.Increment(ref _errors);

    public EtlNodeStatus Status(string nodeId) => new()
    {
        NodeId = nodeId, Stage = Stage, Error = Error, Runtime = RuntimeKind, Restarts = Restarts, LastTransformError = LastTransformError,
        Endpoint = Spec.Communication == EtlCommunication.Io ? null : PublicEndpoint?.ToString(),
        Transport = Spec.Communication == EtlCommunication.Io || Communicator is null ? null : Socket is null ? "tcp" : "unix",
        Counters = new EtlCounters
        {
            Objects = Interlocked.Read(ref _objects), BytesIn = Interlocked.Read(ref _bytesIn),
            BytesOut = Interlocked.Read(ref _bytesOut), Errors = Interlocked.Read(ref _errors),
        },
    };
}
