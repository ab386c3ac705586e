using System.IO.Pipelines;
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
public sealed class EtlDataPlane(NodeEtls etls, TransformerEndpoints endpoints, EtlMetrics metrics, PipelineInputs inputs)
{
    // Between two stages: enough to keep both transformers busy, little enough for many objects at once.
    private static readonly PipeOptions StagePipe = new(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 512 << 10);

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
        var (etl, communicator) = Ready(name);
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
        catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
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
    /// Transforms one local object through every stage of <paramref name="pipeline"/>, all at once on this node: stage k's
    /// output streams through a bounded pipe into stage k+1 (never whole in memory, never off this node), the last writes
    /// into <paramref name="output"/> or delivers to <paramref name="job"/>'s direct-put destination. Only the first stage
    /// reads the stored object (or its file, with fqn). A failure names its stage, ETL and object, with the stage's error
    /// code; the first failure stops the others. One stage is exactly <see cref="TransformAsync(string, TransformJob, Stream, CancellationToken)"/>.
    /// </summary>
    public async Task<TransformOutcome> TransformAsync(EtlPipeline pipeline, TransformJob job, Stream output, CancellationToken ct)
    {
        if (pipeline.Count == 1) return await TransformAsync(pipeline.Last.Etl, job.ForStage(pipeline.Last.EtlArgs, null, null, job.DirectPutUrl), output, ct);
        for (var i = 0; i < pipeline.Count; i++)
        {
            try
            {
                Ready(pipeline.Stages[i].Etl);
            }
            catch (OaisException e)
            {
                throw StageFailed(pipeline, i, job, e);
            }
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var failure = new FirstFailure();
        var stages = new Task<TransformOutcome>[pipeline.Count];
        Pipe? previous = null;
        for (var i = 0; i < pipeline.Count; i++)
        {
            var next = i == pipeline.Count - 1 ? null : new Pipe(StagePipe);
            stages[i] = RunStageAsync(pipeline, i, job, previous?.Reader, next?.Writer, next is null ? output : null, failure, stop);
            previous = next;
        }
        try
        {
            await Task.WhenAll(stages);
        }
        catch when (failure.Error is { } error && !ct.IsCancellationRequested)
        {
            throw error;
        }
        return await stages[^1];
    }

    /// <summary>One stage: reads <paramref name="input"/> (null: the stored object), writes <paramref name="next"/> or <paramref name="output"/>.</summary>
    private async Task<TransformOutcome> RunStageAsync(EtlPipeline pipeline, int index, TransformJob job, PipeReader? input, PipeWriter? next,
        Stream? output, FirstFailure failure, CancellationTokenSource stop)
    {
        await Task.Yield(); // every stage starts now: each one's first await must not hold up the next
        var stage = pipeline.Stages[index];
        var inputStream = input?.AsStream(leaveOpen: true);
        // A transformer that fetches its input gets it from this node's guarded endpoint, under a token.
        using var served = inputStream is not null && etls.Spec(stage.Etl)?.Communication is EtlCommunication.Hpull or EtlCommunication.Hrev
            ? inputs.Register(stage.Etl, inputStream)
            : null;
        try
        {
            var stageJob = job.ForStage(stage.EtlArgs, inputStream, served?.Token, next is null ? job.DirectPutUrl : null);
            var outcome = await TransformAsync(stage.Etl, stageJob, next?.AsStream(leaveOpen: true) ?? output!, stop.Token);
            if (served is { Taken: false })
                throw new OaisException(OaisErrorCode.TransformFailed,
                    $"its transformer answered without fetching its input from the pipeline: it must pass '{Protocol.TransformerQuery.Input}' on " +
                    "when it fetches the object from AIS_TARGET_URL (the OrleansAis SDKs do), else it transforms the stored object instead");
            if (next is not null) await next.CompleteAsync();
            return outcome;
        }
        catch (Exception e)
        {
            // Recorded before the others are stopped: whatever they fail with next is a consequence, not the cause.
            if (!stop.IsCancellationRequested) failure.Record(StageFailed(pipeline, index, job, e));
            await stop.CancelAsync();
            if (next is not null) await next.CompleteAsync(e);
            throw;
        }
        finally
        {
            // This stage reads no more (done, or failed): the previous one must not wait on a full pipe.
            if (input is not null) await input.CompleteAsync();
        }
    }

    private static OaisException StageFailed(EtlPipeline pipeline, int index, TransformJob job, Exception e) =>
        new(e is OaisException o ? o.Code : OaisErrorCode.TransformFailed,
            $"pipeline {pipeline.Name}: {pipeline.Describe(index)} failed on '{job.Bucket}/{job.Name}': {e.Message}");

    /// <summary>The first stage failure of a pipeline run; later ones are consequences.</summary>
    private sealed class FirstFailure
    {
        private OaisException? _error;
        public OaisException? Error => Volatile.Read(ref _error);
        public void Record(OaisException error) => Interlocked.CompareExchange(ref _error, error, null);
    }

    /// <summary>The ETL and its communicator when it can transform here, else the error saying why not.</summary>
    private (RunningEtl Etl, IEtlCommunicator Communicator) Ready(string name)
    {
        if (!etls.TryGet(name, out var etl)) throw new OaisException(OaisErrorCode.EtlNotRunning, $"ETL '{name}' is not running on node {NodeId}");
        if (etl.Stage == EtlStage.Initializing && etl.Restarts > 0)
            throw new OaisException(OaisErrorCode.Unavailable, $"transformer of ETL '{name}' on node {NodeId} crashed and is restarting: {etl.Error}");
        if (etl.Stage != EtlStage.Running || etl.Communicator is not { } communicator)
            throw new OaisException(OaisErrorCode.EtlNotRunning,
                $"ETL '{name}' is {etl.Stage.ToString().ToLowerInvariant()} on node {NodeId}" + (etl.Error is null ? "" : $": {etl.Error}"));
        return (etl, communicator);
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
