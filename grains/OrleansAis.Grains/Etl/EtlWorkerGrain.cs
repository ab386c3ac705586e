using System.IO.Pipelines;
using Orleans.Placement;
using OrleansAis.Cluster;
using OrleansAis.Etl.Communicators;
using OrleansAis.Etl.DataPlane;
using OrleansAis.Etl.Lifecycle;
using OrleansAis.Grains;
using OrleansAis.Placement;
using OrleansAis.Storage;

namespace OrleansAis.Etl;

/// <summary>
/// One per storage node (key: node id), pinned to it: the control plane of that node's transformers (start, stop,
/// status, logs) over <see cref="EtlLifecycle"/>, plus chunked transforms for Orleans-API callers over <see cref="EtlDataPlane"/>.
/// </summary>
[NodePinnedPlacement, Immovable, KeepAlive]
public sealed class EtlWorkerGrain(EtlLifecycle lifecycle, EtlDataPlane dataPlane, NodeEtls etls, LocalObjectStore store, ClusterMap cluster) : Grain, IEtlWorkerGrain
{
    private readonly Dictionary<Guid, PipeReader> _transforms = [];

    public Task<EtlNodeStatus> Start(EtlLaunch launch) => lifecycle.StartAsync(launch);

    public Task<string?> CannotRun(EtlSpec spec) => Task.FromResult(lifecycle.Runtime.CannotRun(spec));

    public async Task<EtlNodeStatus> Stop(string name, string reason) =>
        await lifecycle.StopAsync(name, reason) ?? new EtlNodeStatus { NodeId = cluster.Local.NodeId, Stage = EtlStage.Aborted, Error = reason };

    public Task Delete(string name) => lifecycle.DeleteAsync(name);

    public Task<EtlNodeStatus?> Status(string name) => Task.FromResult(etls.Status(name));

    public Task<string> Logs(string name, int lines) => lifecycle.LogsAsync(name, Math.Clamp(lines, 1, 100_000));

    public async Task Sync()
    {
        foreach (var launch in await GrainFactory.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key).Running())
        {
            if (etls.Status(launch.Spec.Name)?.Stage is EtlStage.Running or EtlStage.Initializing) continue;
            try
            {
                await lifecycle.StartAsync(launch);
            }
            catch (OaisException e)
            {
                await GrainFactory.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key).ReportFailure(launch.Spec.Name, cluster.Local.NodeId, e.Message);
            }
        }
    }

    public Task<Guid> BeginTransform(string etl, string bucket, string name, string? etlArgs)
    {
        var reader = store.OpenRead(bucket, name) ?? throw OaisException.ObjectNotFound(bucket, name);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var id = Guid.NewGuid();
        _transforms[id] = pipe.Reader;
        // The transform runs off the grain's scheduler and pauses when the caller stops pulling (the pipe is bounded).
        _ = Task.Run(async () =>
        {
            using (reader)
            {
                try
                {
                    var job = new TransformJob { Bucket = bucket, Name = name, EtlArgs = etlArgs, Source = reader };
                    await dataPlane.TransformAsync(etl, job, pipe.Writer.AsStream(leaveOpen: true), CancellationToken.None);
                    await pipe.Writer.CompleteAsync();
                }
                catch (Exception e)
                {
                    await pipe.Writer.CompleteAsync(e);
                }
            }
        });
        return Task.FromResult(id);
    }

    public async Task<byte[]> ReadTransformed(Guid transform, int maxBytes)
    {
        if (!_transforms.TryGetValue(transform, out var reader))
            throw new OaisException(OaisErrorCode.InvalidArgument, $"no transform {transform} in progress on node {cluster.Local.NodeId}");
        maxBytes = Math.Clamp(maxBytes, 1, Transfer.MaxChunkBytes);
        try
        {
            var result = await reader.ReadAtLeastAsync(maxBytes);
            var take = result.Buffer.Slice(0, Math.Min(maxBytes, result.Buffer.Length));
            var chunk = System.Buffers.BuffersExtensions.ToArray(take);
            reader.AdvanceTo(take.End);
            if (chunk.Length == 0 && result.IsCompleted) Finish(transform, reader);
            return chunk;
        }
        catch
        {
            Finish(transform, reader);
            throw;
        }
    }

    private void Finish(Guid transform, PipeReader reader)
    {
        _transforms.Remove(transform);
        reader.Complete();
    }
}
