using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansAis.Buckets;
using OrleansAis.Grains;

namespace OrleansAis.Etl;

[GenerateSerializer, Alias("oais.EtlRecord")]
public sealed class EtlRecord
{
    [Id(0)] public required EtlSpec Spec { get; set; }
    /// <summary>What the user asked for: Running, or Aborted (stopped, or failed).</summary>
    [Id(1)] public EtlStage Desired { get; set; }
    [Id(2)] public string? AbortReason { get; set; }
    [Id(3)] public required string Secret { get; set; }

    public EtlLaunch Launch => new() { Spec = Spec, Secret = Secret };
}

[GenerateSerializer, Alias("oais.EtlRegistryState")]
public sealed class EtlRegistryState
{
    [Id(0)] public Dictionary<string, EtlRecord> Etls { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The cluster's ETLs: specs and desired stages survive restarts; commands fan out to every node's worker.</summary>
public sealed class EtlRegistryGrain(
    [PersistentState("etl", BucketRegistryGrain.StorageName)] IPersistentState<EtlRegistryState> state,
    EtlStatusView view,
    ILogger<EtlRegistryGrain> log) : Grain, IEtlRegistryGrain
{
    public async Task<EtlInfo> Init(EtlSpec spec)
    {
        spec.EnsureValid();
        if (state.State.Etls.ContainsKey(spec.Name))
            throw new OaisException(OaisErrorCode.EtlAlreadyExists, $"ETL '{spec.Name}' already exists; stop and delete it first, or pick another name");
        var nodes = await GrainFactory.GetGrain<IClusterViewGrain>(0).Nodes();
        var cannot = (await Task.WhenAll(nodes.Select(async n => await GrainFactory.GetGrain<IEtlWorkerGrain>(n.NodeId).CannotRun(spec) is { } why
            ? $"node {n.NodeId}: {why}" : null))).OfType<string>().Distinct().ToList();
        if (cannot.Count > 0) throw new OaisException(OaisErrorCode.InvalidArgument, $"invalid ETL spec: {string.Join("; ", cannot)}");
        var record = new EtlRecord
        {
            Spec = spec, Desired = EtlStage.Running, Secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        };
        state.State.Etls[spec.Name] = record;
        await state.WriteStateAsync();
        log.LogInformation("Initializing ETL {Etl} ({Communication})", spec.Name, spec.Communication.ToScheme());
        var failure = await TryStartEverywhere(record);
        if (failure is null) return await Describe(record);
        // An init that fails leaves nothing behind: the transformers that did start are removed with the entry.
        await FanOut(worker => worker.Delete(spec.Name));
        state.State.Etls.Remove(spec.Name);
        await state.WriteStateAsync();
        log.LogWarning("ETL {Etl} failed to initialize and was removed: {Reason}", spec.Name, failure.Message);
        throw new OaisException(failure.Code, $"ETL '{spec.Name}' failed to initialize and was not registered: {failure.Message}");
    }

    public async Task<IReadOnlyList<EtlInfo>> List() =>
        await Task.WhenAll(state.State.Etls.Values.OrderBy(r => r.Spec.Name, StringComparer.Ordinal).Select(Describe));

    public Task<EtlInfo> Get(string name) => Describe(Record(name));

    public async Task<EtlInfo> Stop(string name)
    {
        var record = Record(name);
        record.Desired = EtlStage.Aborted;
        record.AbortReason = "stopped by user";
        await state.WriteStateAsync();
        await FanOut(worker => worker.Stop(name, "stopped by user"));
        return await Describe(record);
    }

    public async Task<EtlInfo> Start(string name)
    {
        var record = Record(name);
        record.Desired = EtlStage.Running;
        record.AbortReason = null;
        await state.WriteStateAsync();
        return await StartEverywhere(record);
    }

    public async Task Delete(string name)
    {
        Record(name);
        await FanOut(worker => worker.Delete(name));
        state.State.Etls.Remove(name);
        await state.WriteStateAsync();
        log.LogInformation("Deleted ETL {Etl}", name);
    }

    public Task<IReadOnlyList<EtlLaunch>> Running() => Task.FromResult<IReadOnlyList<EtlLaunch>>(
        state.State.Etls.Values.Where(r => r.Desired == EtlStage.Running).Select(r => r.Launch).ToList());

    public async Task ReportFailure(string name, string nodeId, string reason)
    {
        if (!state.State.Etls.TryGetValue(name, out var record) || record.Desired != EtlStage.Running) return;
        await Abort(record, $"node {nodeId}: {reason}");
    }

    /// <summary>Starts the ETL on every node; if any node fails, the ETL is aborted everywhere with that node's reason.</summary>
    private async Task<EtlInfo> StartEverywhere(EtlRecord record)
    {
        if (await TryStartEverywhere(record) is { } failure)
        {
            await Abort(record, failure.Message);
            throw new OaisException(failure.Code, $"ETL '{record.Spec.Name}' failed to start and is aborted: {record.AbortReason}");
        }
        return await Describe(record);
    }

    /// <summary>
    /// Starts the ETL on every node; null when all started, else every failing node's reason, with the code of the
    /// first: InvalidArgument when the spec itself is at fault (e.g. an io:// command that fails its first run).
    /// </summary>
    private async Task<OaisException?> TryStartEverywhere(EtlRecord record)
    {
        var nodes = await GrainFactory.GetGrain<IClusterViewGrain>(0).Nodes();
        var starts = nodes.Select(async n =>
        {
            try
            {
                await GrainFactory.GetGrain<IEtlWorkerGrain>(n.NodeId).Start(record.Launch);
                return null;
            }
            catch (Exception e)
            {
                var code = e is OaisException oe ? oe.Code : OaisErrorCode.TransformFailed;
                return new OaisException(code, $"node {n.NodeId}: {(e is OaisException ? e.Message : e.GetBaseException().Message)}");
            }
        });
        var failures = (await Task.WhenAll(starts)).OfType<OaisException>().ToList();
        return failures.Count == 0 ? null : new OaisException(failures[0].Code, string.Join("; ", failures.Select(f => f.Message)));
    }

    private async Task Abort(EtlRecord record, string reason)
    {
        record.Desired = EtlStage.Aborted;
        record.AbortReason = reason;
        await state.WriteStateAsync();
        log.LogWarning("ETL {Etl} aborted: {Reason}", record.Spec.Name, reason);
        await FanOut(worker => worker.Stop(record.Spec.Name, "aborted: " + reason));
    }

    private Task<EtlInfo> Describe(EtlRecord record) => view.Describe(record);

    private async Task FanOut(Func<IEtlWorkerGrain, Task> command)
    {
        var nodes = await GrainFactory.GetGrain<IClusterViewGrain>(0).Nodes();
        await Task.WhenAll(nodes.Select(n => command(GrainFactory.GetGrain<IEtlWorkerGrain>(n.NodeId))));
    }

    private EtlRecord Record(string name)
    {
        EtlSpec.EnsureValidName(name);
        return state.State.Etls.TryGetValue(name, out var record) ? record : throw OaisException.EtlNotFound(name);
    }
}
