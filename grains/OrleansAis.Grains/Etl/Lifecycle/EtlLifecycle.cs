using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAis.Etl.DataPlane;
using OrleansAis.Etl.Endpoints;
using OrleansAis.Etl.Runtimes;
using OrleansAis.Events;
using OrleansAis.Grains;

namespace OrleansAis.Etl.Lifecycle;

/// <summary>
/// The lifecycle of this node's transformers, driven by the <c>EtlWorkerGrain</c>: starts them (healthy within
/// init_timeout), stops and deletes them, and restarts a crashed one up to <see cref="EtlOptions.MaxRestarts"/> times
/// before aborting the ETL cluster-wide. One change at a time per node.
/// </summary>
public sealed partial class EtlLifecycle(
    IEtlRuntime runtime,
    NodeEtls etls,
    TransformerEndpoints endpoints,
    TransformerLauncher launcher,
    EtlDataPlane dataPlane,
    IGrainFactory grains,
    EventPublisher events,
    TimeProvider time,
    IOptions<EtlOptions> options,
    ILogger<EtlLifecycle> log) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lifecycle = new(1, 1);

    private string NodeId => etls.NodeId;

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
            if (etls.TryRemove(spec.Name, out var previous)) await ShutDownAsync(previous, "restarted");
            var etl = new RunningEtl(spec, launch.Secret, runtime.Kind);
            etls.Set(etl);
            try
            {
                await LaunchAsync(etl, ct);
            }
            catch (Exception e)
            {
                etl.Stage = EtlStage.Aborted;
                etl.Error = e is OaisException ? e.Message : $"failed to start: {e.Message}";
                StageReached(etl);
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
            if (!etls.TryGet(name, out var etl)) return null;
            etl.Stage = EtlStage.Aborted;
            etl.Error = reason;
            StageReached(etl);
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
            if (!etls.TryRemove(name, out var etl)) return;
            (etl.Stage, etl.Error) = (EtlStage.Aborted, "deleted");
            StageReached(etl);
            await ShutDownAsync(etl, "deleted");
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async Task<string> LogsAsync(string name, int lines, CancellationToken ct = default) =>
        etls.TryGet(name, out var etl) && etl.Instance is { } instance ? await instance.LogsAsync(lines, ct) : "";

    private void StageReached(RunningEtl etl) => Publish(etl, EtlEventKind.Stage);

    private void Publish(RunningEtl etl, EtlEventKind kind) => events.Publish(new EtlEvent
    {
        Kind = kind, Etl = etl.Spec.Name, Node = NodeId, Stage = etl.Stage, Restarts = etl.Restarts, Reason = etl.Error, Time = time.GetUtcNow(),
    });

    private async Task LaunchAsync(RunningEtl etl, CancellationToken ct)
    {
        etl.Stage = EtlStage.Initializing;
        StageReached(etl);
        var offer = endpoints.Offer(etl);
        var port = await launcher.LaunchAsync(etl, offer, ct);
        var instance = etl.Instance!;
        dataPlane.Connect(etl, offer, instance, port);
        etl.Stage = EtlStage.Running;
        etl.Error = null;
        StageReached(etl);
        _ = WatchAsync(etl, instance);
        Running(etl.Spec.Name, NodeId, runtime.Kind, etl.Spec.Communication.ToScheme(), etl.Port, etl.Socket is null ? "TCP" : "Unix socket " + etl.Socket);
    }

    /// <summary>Crash detection: a transformer that exits on its own is restarted, up to the limit; then the ETL is aborted everywhere.</summary>
    private async Task WatchAsync(RunningEtl etl, ITransformerInstance instance)
    {
        var reason = await instance.Exited;
        if (etl.Stopping || etl.Instance != instance) return;
        await _lifecycle.WaitAsync();
        try
        {
            if (etl.Stopping || etl.Instance != instance || !etls.IsCurrent(etl)) return;
            TransformerStopped(etl.Spec.Name, NodeId, reason);
            await DisposeInstanceAsync(etl);
            if (etl.Restarts < options.Value.MaxRestarts)
            {
                etl.Restarts++;
                etl.Stage = EtlStage.Initializing;
                etl.Error = $"restarting after: {reason}";
                Publish(etl, EtlEventKind.Restarted);
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
            StageReached(etl);
        }
        finally
        {
            _lifecycle.Release();
        }
        Aborting(etl.Spec.Name, etl.Error);
        try
        {
            await grains.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key).ReportFailure(etl.Spec.Name, NodeId, etl.Error!);
        }
        catch (Exception e)
        {
            CouldNotReport(e, etl.Spec.Name);
        }
    }

    private async Task ShutDownAsync(RunningEtl etl, string reason)
    {
        etl.Stopping = true;
        await DisposeInstanceAsync(etl);
        Stopped(etl.Spec.Name, NodeId, reason);
    }

    private static async Task DisposeInstanceAsync(RunningEtl etl)
    {
        if (etl.Communicator is { } communicator) await communicator.DisposeAsync();
        if (etl.Instance is { } instance) await instance.DisposeAsync();
        etl.Communicator = null;
        etl.Instance = null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var etl in etls.RemoveAll()) await ShutDownAsync(etl, "silo stopping");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ETL {Etl} running on {Node} ({Runtime}, {Communication}, port {Port}, {Transport})")]
    private partial void Running(string etl, string node, string runtime, string communication, int port, string transport);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transformer of ETL {Etl} on {Node} stopped: {Reason}")]
    private partial void TransformerStopped(string etl, string node, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Aborting ETL {Etl}: {Reason}")]
    private partial void Aborting(string etl, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report the failure of ETL {Etl} to the registry")]
    private partial void CouldNotReport(Exception e, string etl);

    [LoggerMessage(Level = LogLevel.Information, Message = "ETL {Etl} stopped on {Node}: {Reason}")]
    private partial void Stopped(string etl, string node, string reason);
}
