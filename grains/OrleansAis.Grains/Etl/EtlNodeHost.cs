using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAis.Cluster;
using OrleansAis.Etl.Communicators;
using OrleansAis.Etl.Runtimes;
using OrleansAis.Grains;
using OrleansAis.Storage;

namespace OrleansAis.Etl;

/// <summary>
/// This node's transformers: starts them (health within init_timeout), restarts a crashed one up to
/// <see cref="EtlOptions.MaxRestarts"/> times and then aborts the ETL cluster-wide, and runs transforms through the
/// ETL's communicator with obj_timeout. The data plane: HTTP handlers call it directly, without grain hops; the
/// <c>EtlWorkerGrain</c> drives its lifecycle.
/// </summary>
public sealed class EtlNodeHost(
    IEtlRuntime runtime,
    LocalObjectStore store,
    ClusterMap cluster,
    EtlMetrics metrics,
    LocalSocketDirectory sockets,
    IGrainFactory grains,
    IOptions<EtlOptions> options,
    ILogger<EtlNodeHost> log) : IAsyncDisposable
{
    private static readonly HttpClient Health = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly ConcurrentDictionary<string, RunningEtl> _etls = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lifecycle = new(1, 1);

    public string NodeId => cluster.Local.NodeId;

    public IEtlRuntime Runtime => runtime;

    /// <summary>Starts (or restarts from scratch) the ETL here and waits until its transformer is healthy.</summary>
    public async Task<EtlNodeStatus> StartAsync(EtlLaunch launch, CancellationToken ct = default)
    {
        var spec = launch.Spec;
        spec.EnsureValid();
        if (runtime.CannotRun(spec) is { } reason) throw new OaisException(OaisErrorCode.InvalidArgument, reason);
        await _lifecycle.WaitAsync(ct);
        try
        {
            if (_etls.TryRemove(spec.Name, out var previous)) await ShutDownAsync(previous, "restarted");
            var etl = new RunningEtl(spec, launch.Secret, runtime.Kind);
            _etls[spec.Name] = etl;
            try
            {
                await LaunchAsync(etl, ct);
            }
            catch (Exception e)
            {
                etl.Stage = EtlStage.Aborted;
                etl.Error = e is OaisException ? e.Message : $"failed to start: {e.Message}";
                await ShutDownAsync(etl, etl.Error);
                throw new OaisException(e is OaisException oe ? oe.Code : OaisErrorCode.TransformFailed,
                    $"ETL '{spec.Name}' did not start on node {NodeId}: {e.Message}");
            }
            return etl.Status(NodeId);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async Task<EtlNodeStatus?> StopAsync(string name, string reason)
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (!_etls.TryGetValue(name, out var etl)) return null;
            etl.Stage = EtlStage.Aborted;
            etl.Error = reason;
            await ShutDownAsync(etl, reason);
            return etl.Status(NodeId);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async Task DeleteAsync(string name)
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_etls.TryRemove(name, out var etl)) await ShutDownAsync(etl, "deleted");
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public EtlNodeStatus? Status(string name) => _etls.TryGetValue(name, out var etl) ? etl.Status(NodeId) : null;

    /// <summary>The spec of an ETL this node knows, or null.</summary>
    public EtlSpec? Spec(string name) => _etls.TryGetValue(name, out var etl) ? etl.Spec : null;

    public IReadOnlyCollection<string> Names => _etls.Keys.ToList();

    public async Task<string> LogsAsync(string name, int lines, CancellationToken ct = default) =>
        _etls.TryGetValue(name, out var etl) && etl.Instance is { } instance ? await instance.LogsAsync(lines, ct) : "";

    /// <summary>True when <paramref name="secret"/> is the ETL's secret (known to this node while it runs the ETL).</summary>
    public bool IsTransformerSecret(string name, string secret) =>
        _etls.TryGetValue(name, out var etl) &&
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(etl.Secret), System.Text.Encoding.ASCII.GetBytes(secret));

    /// <summary>The base of a node's guarded raw-object / direct-put endpoint for the ETL (AIS_TARGET_URL on that node).</summary>
    public static string TargetUrl(string name, string secret, NodeInfo node) =>
        $"{node.HttpUrl.TrimEnd('/')}/{Http.Contracts.OaisRoutes.TransformerObjectBase(name, secret)}";

    /// <summary>Where the ETL's transformer may PUT a result for <c>bucket/name</c> on <paramref name="owner"/> (direct put).</summary>
    public string? DirectPutUrl(string etlName, NodeInfo owner, string bucket, string objectName) =>
        _etls.TryGetValue(etlName, out var etl)
            ? TargetUrl(etlName, etl.Secret, owner) + "/" + Http.Contracts.OaisRoutes.ObjectTarget(bucket, objectName)
            : null;

    /// <summary>The running ETL's hpull communicator and its public endpoint, for redirecting HTTP clients.</summary>
    public (HpullCommunicator Communicator, Uri PublicEndpoint)? HpullRedirect(string name) =>
        _etls.TryGetValue(name, out var etl) && etl.Stage == EtlStage.Running && etl.Communicator is HpullCommunicator hpull && etl.PublicEndpoint is { } endpoint
            ? (hpull, endpoint)
            : null;

    /// <summary>
    /// Transforms one local object. Errors: <see cref="OaisErrorCode.EtlNotRunning"/> (unknown here, stopped, restarting),
    /// <see cref="OaisErrorCode.TransformFailed"/> (with the transformer's message), <see cref="OaisErrorCode.TransformTimeout"/>.
    /// </summary>
    public async Task<TransformOutcome> TransformAsync(string name, TransformJob job, Stream output, CancellationToken ct)
    {
        if (!_etls.TryGetValue(name, out var etl)) throw new OaisException(OaisErrorCode.EtlNotRunning, $"ETL '{name}' is not running on node {NodeId}");
        if (etl.Stage == EtlStage.Initializing && etl.Restarts > 0)
            throw new OaisException(OaisErrorCode.Unavailable, $"transformer of ETL '{name}' on node {NodeId} crashed and is restarting: {etl.Error}");
        if (etl.Stage != EtlStage.Running || etl.Communicator is not { } communicator)
            throw new OaisException(OaisErrorCode.EtlNotRunning,
                $"ETL '{name}' is {etl.Stage.ToString().ToLowerInvariant()} on node {NodeId}" + (etl.Error is null ? "" : $": {etl.Error}"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(etl.Spec.ObjTimeout);
        var start = StoreMetrics.Now();
        try
        {
            var outcome = await communicator.TransformAsync(job, output, timeout.Token);
            etl.Count(job.Source.Meta.Size, outcome.Bytes);
            metrics.Transformed(etl.Spec, NodeId, job.Source.Meta.Size, outcome.Bytes, StoreMetrics.Since(start));
            return outcome;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var timedOut = new OaisException(OaisErrorCode.TransformTimeout,
                $"ETL '{name}' on node {NodeId} did not transform '{job.Bucket}/{job.Name}' within obj_timeout {etl.Spec.ObjTimeout}");
            Failed(etl, job, timedOut.Message);
            throw timedOut;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A transformer that died mid-request: say so rather than report a bare connection error.
            if (etl.Instance?.Exited.IsCompleted == true)
            {
                var crashed = new OaisException(OaisErrorCode.TransformFailed, $"transformer of ETL '{name}' on node {NodeId} crashed: {etl.Instance.Exited.Result}");
                Failed(etl, job, crashed.Message);
                throw crashed;
            }
            Failed(etl, job, e.Message);
            throw;
        }
    }

    private void Failed(RunningEtl etl, TransformJob job, string message)
    {
        etl.LastTransformError = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {job.Bucket}/{job.Name}: {message}";
        etl.CountError();
        metrics.Failed(etl.Spec, NodeId);
    }

    private async Task LaunchAsync(RunningEtl etl, CancellationToken ct)
    {
        etl.Stage = EtlStage.Initializing;
        etl.Port = FreePort();
        var listenSocket = sockets.TransformerSocket(etl.Spec.Name);
        if (listenSocket is not null) File.Delete(listenSocket); // so that only the new transformer can make it exist
        var launch = new TransformerLaunch
        {
            Spec = etl.Spec, NodeId = NodeId, Port = etl.Port,
            TargetUrl = TargetUrl(etl.Spec.Name, etl.Secret, cluster.Local),
            Mountpaths = store.Mountpaths,
            ListenSocket = listenSocket,
            // Only offered while the silo's HTTP server listens on it (not in hosts without HTTP, e.g. test clusters).
            TargetSocket = sockets.SiloSocket is { } silo && File.Exists(silo) ? silo : null,
            SocketDirectory = sockets.Enabled ? sockets.Path : null,
        };
        var instance = await runtime.StartAsync(launch, ct);
        etl.Instance = instance;
        var endpoint = new Uri($"http://127.0.0.1:{etl.Port}");
        etl.PublicEndpoint = new Uri($"http://{PublicHost()}:{etl.Port}");
        if (launch.ServesHttp) await WaitHealthyAsync(etl, instance, endpoint, ct);
        // A transformer that took up the socket offer has bound it before its /health answered.
        etl.Socket = listenSocket is not null && launch.ServesHttp && File.Exists(listenSocket) ? listenSocket : null;
        etl.Communicator = CommunicatorFactory.Create(new CommunicatorContext
        {
            Spec = etl.Spec, NodeId = NodeId, Endpoint = endpoint, Socket = etl.Socket, Instance = instance,
        });
        etl.Stage = EtlStage.Running;
        etl.Error = null;
        _ = WatchAsync(etl, instance);
        log.LogInformation("ETL {Etl} running on {Node} ({Runtime}, {Communication}, port {Port}, {Transport})",
            etl.Spec.Name, NodeId, runtime.Kind, etl.Spec.Communication.ToScheme(), etl.Port, etl.Socket is null ? "TCP" : "Unix socket " + etl.Socket);
    }

    private static async Task WaitHealthyAsync(RunningEtl etl, ITransformerInstance instance, Uri endpoint, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + etl.Spec.InitTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (instance.Exited.IsCompleted)
                throw new OaisException(OaisErrorCode.TransformFailed,
                    $"{instance.Exited.Result} before becoming healthy; last output: {await instance.LogsAsync(10, ct)}");
            try
            {
                using var response = await Health.GetAsync(new Uri(endpoint, "/health"), ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // not listening yet
            }
            await Task.Delay(100, ct);
        }
        throw new OaisException(OaisErrorCode.TransformTimeout,
            $"transformer did not answer GET {new Uri(endpoint, "/health")} within init_timeout {etl.Spec.InitTimeout} (it must listen on " +
            $"$PORT={etl.Port}, all interfaces or 127.0.0.1, and answer 200 when ready; raise init_timeout if it starts slowly); " +
            $"last output: {await instance.LogsAsync(10, CancellationToken.None)}");
    }

    /// <summary>Crash detection: a transformer that exits on its own is restarted, up to the limit; then the ETL is aborted everywhere.</summary>
    private async Task WatchAsync(RunningEtl etl, ITransformerInstance instance)
    {
        var reason = await instance.Exited;
        if (etl.Stopping || etl.Instance != instance) return;
        await _lifecycle.WaitAsync();
        try
        {
            if (etl.Stopping || etl.Instance != instance || !_etls.TryGetValue(etl.Spec.Name, out var current) || current != etl) return;
            log.LogWarning("Transformer of ETL {Etl} on {Node} stopped: {Reason}", etl.Spec.Name, NodeId, reason);
            await DisposeInstanceAsync(etl);
            if (etl.Restarts < options.Value.MaxRestarts)
            {
                etl.Restarts++;
                etl.Stage = EtlStage.Initializing;
                etl.Error = $"restarting after: {reason}";
                try
                {
                    await LaunchAsync(etl, CancellationToken.None);
                    return;
                }
                catch (Exception e)
                {
                    reason = $"{reason}; restart failed: {e.Message}";
                }
            }
            etl.Stage = EtlStage.Aborted;
            etl.Error = $"transformer crashed and was restarted {etl.Restarts} times; last: {reason}";
        }
        finally
        {
            _lifecycle.Release();
        }
        log.LogError("Aborting ETL {Etl}: {Reason}", etl.Spec.Name, etl.Error);
        try
        {
            await grains.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key).ReportFailure(etl.Spec.Name, NodeId, etl.Error!);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not report the failure of ETL {Etl} to the registry", etl.Spec.Name);
        }
    }

    private async Task ShutDownAsync(RunningEtl etl, string reason)
    {
        etl.Stopping = true;
        await DisposeInstanceAsync(etl);
        log.LogInformation("ETL {Etl} stopped on {Node}: {Reason}", etl.Spec.Name, NodeId, reason);
    }

    private static async Task DisposeInstanceAsync(RunningEtl etl)
    {
        if (etl.Communicator is { } communicator) await communicator.DisposeAsync();
        if (etl.Instance is { } instance) await instance.DisposeAsync();
        etl.Communicator = null;
        etl.Instance = null;
    }

    private string PublicHost() => Uri.TryCreate(cluster.Local.HttpUrl, UriKind.Absolute, out var url) ? url.Host : "127.0.0.1";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var etl in _etls.Values) await ShutDownAsync(etl, "silo stopping");
        _etls.Clear();
    }
}
