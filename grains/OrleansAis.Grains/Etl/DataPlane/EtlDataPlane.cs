using OrleansAis.Etl.Communicators;
using OrleansAis.Etl.Endpoints;
using OrleansAis.Etl.Runtimes;
using OrleansAis.Storage;

namespace OrleansAis.Etl.DataPlane;

/// <summary>
/// What runs transforms on this node: HTTP handlers, jobs and the worker grain call it directly, without grain hops.
/// It picks how the silo reaches a healthy transformer (its Unix socket when it took the offer, else loopback TCP),
/// gives it its communicator, and runs each object through that with obj_timeout.
/// </summary>
public sealed class EtlDataPlane(NodeEtls etls, TransformerEndpoints endpoints, EtlMetrics metrics)
{
    public string NodeId => etls.NodeId;

    /// <summary>The spec of an ETL this node knows, or null.</summary>
    public EtlSpec? Spec(string name) => etls.Spec(name);

    /// <summary>The running ETL's hpull communicator and its public endpoint, for redirecting HTTP clients.</summary>
    public (HpullCommunicator Communicator, Uri PublicEndpoint)? HpullRedirect(string name) =>
        etls.TryGet(name, out var etl) && etl.Stage == EtlStage.Running && etl.Communicator is HpullCommunicator hpull && etl.PublicEndpoint is { } endpoint
            ? (hpull, endpoint)
            : null;

    /// <summary>
    /// Transforms one local object. Errors: <see cref="OaisErrorCode.EtlNotRunning"/> (unknown here, stopped),
    /// <see cref="OaisErrorCode.Unavailable"/> (the transformer crashed, or is restarting, or does not accept connections),
    /// <see cref="OaisErrorCode.TransformFailed"/> (with the transformer's message), <see cref="OaisErrorCode.TransformTimeout"/>.
    /// </summary>
    public async Task<TransformOutcome> TransformAsync(string name, TransformJob job, Stream output, CancellationToken ct)
    {
        if (!etls.TryGet(name, out var etl)) throw new OaisException(OaisErrorCode.EtlNotRunning, $"ETL '{name}' is not running on node {NodeId}");
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
            // A transformer that died mid-request: say so rather than report a bare connection error; 503 as while it
            // restarts, since the crash, not this object, is the cause (docs/ETL.md).
            if (etl.Instance?.Exited.IsCompleted == true)
            {
                var crashed = new OaisException(OaisErrorCode.Unavailable,
                    $"transformer of ETL '{name}' on node {NodeId} crashed and is restarting: {etl.Instance.Exited.Result}");
                Failed(etl, job, crashed.Message);
                throw crashed;
            }
            Failed(etl, job, e.Message);
            throw;
        }
    }

    /// <summary>
    /// Connects the data plane to the transformer <paramref name="launch"/> started, healthy on <paramref name="port"/>:
    /// over its socket when it took the offer (it has bound it before its /health answered), else over TCP.
    /// </summary>
    internal void Connect(RunningEtl etl, TransformerLaunch launch, ITransformerInstance instance, int port)
    {
        etl.Port = port;
        etl.PublicEndpoint = endpoints.Public(port);
        etl.Socket = launch.ListenSocket is { } socket && launch.ServesHttp && File.Exists(socket) ? socket : null;
        etl.Communicator = CommunicatorFactory.Create(new CommunicatorContext
        {
            Spec = etl.Spec, NodeId = NodeId, Endpoint = TransformerEndpoints.Local(port), Socket = etl.Socket, Instance = instance,
        });
    }

    private void Failed(RunningEtl etl, TransformJob job, string message)
    {
        etl.LastTransformError = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {job.Bucket}/{job.Name}: {message}";
        etl.CountError();
        metrics.Failed(etl.Spec, NodeId);
    }
}
