using OrleansAis.Etl;

namespace OrleansAis.Grains;

/// <summary>An ETL as the nodes start it: the spec and the cluster-wide secret its transformers present to silos.</summary>
[GenerateSerializer, Immutable, Alias("oais.EtlLaunch")]
public sealed class EtlLaunch
{
    [Id(0)] public required EtlSpec Spec { get; init; }
    /// <summary>
    /// Issued by the registry at init; part of AIS_TARGET_URL and of direct-put URLs, so only this ETL's transformers
    /// can read raw objects or write results through a silo's transformer endpoint.
    /// </summary>
    [Id(1)] public required string Secret { get; init; }
}

/// <summary>
/// The cluster-wide ETL registry (one activation, key <see cref="Key"/>): specs and desired stages in persistent state,
/// lifecycle commands fanned out to every node's <see cref="IEtlWorkerGrain"/>, status aggregated from their reports.
/// </summary>
[Alias("oais.IEtlRegistryGrain")]
public interface IEtlRegistryGrain : IGrainWithStringKey
{
    public const string Key = "etl";

    /// <summary>Validates, stores and starts the ETL on every node; Aborted with the reason if any node fails.</summary>
    [Alias("Init"), ResponseTimeout("00:10:00")] Task<EtlInfo> Init(EtlSpec spec);
    [Alias("List")] Task<IReadOnlyList<EtlInfo>> List();
    [Alias("Get")] Task<EtlInfo> Get(string name);
    [Alias("Stop")] Task<EtlInfo> Stop(string name);
    [Alias("Start"), ResponseTimeout("00:10:00")] Task<EtlInfo> Start(string name);
    [Alias("Delete")] Task Delete(string name);

    /// <summary>ETLs that should be running (a node that joins or restarts starts them).</summary>
    [Alias("Running")] Task<IReadOnlyList<EtlLaunch>> Running();

    /// <summary>A node gave up on its transformer (crashed past the restart limit): abort the ETL everywhere.</summary>
    [Alias("ReportFailure")] Task ReportFailure(string name, string nodeId, string reason);
}

/// <summary>Exactly one per storage node (key: node id), pinned to it: the lifecycle of that node's transformers.</summary>
[Alias("oais.IEtlWorkerGrain")]
public interface IEtlWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts (or restarts) this node's transformer and waits until it is healthy or init_timeout passes.</summary>
    [Alias("Start"), ResponseTimeout("00:10:00")] Task<EtlNodeStatus> Start(EtlLaunch launch);
    /// <summary>Null when this node's runtime can run <paramref name="spec"/>, else why not (nothing is started).</summary>
    [Alias("CannotRun")] Task<string?> CannotRun(EtlSpec spec);
    [Alias("Stop")] Task<EtlNodeStatus> Stop(string name, string reason);
    [Alias("Delete")] Task Delete(string name);
    [Alias("Status")] Task<EtlNodeStatus?> Status(string name);
    /// <summary>The last <paramref name="lines"/> lines the transformer wrote (stdout and stderr).</summary>
    [Alias("Logs")] Task<string> Logs(string name, int lines);

    /// <summary>Starts every ETL the registry wants running that this node does not run yet.</summary>
    [Alias("Sync"), ResponseTimeout("00:10:00")] Task Sync();

    /// <summary>
    /// Begins transforming <c>bucket/name</c> (which this node must own) for an Orleans-API caller; the result is then
    /// pulled in bounded chunks with <see cref="ReadTransformed"/>.
    /// </summary>
    [Alias("BeginTransform"), Orleans.Concurrency.AlwaysInterleave]
    Task<Guid> BeginTransform(string etl, string bucket, string name, string? etlArgs);

    /// <summary>The next chunk (at most <paramref name="maxBytes"/>) of a transform's result; empty at the end.</summary>
    [Alias("ReadTransformed"), Orleans.Concurrency.AlwaysInterleave]
    Task<byte[]> ReadTransformed(Guid transform, int maxBytes);
}
