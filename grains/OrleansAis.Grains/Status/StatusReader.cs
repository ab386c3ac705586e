using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansAis.Buckets;
using OrleansAis.Etl;
using OrleansAis.Grains;
using OrleansAis.Jobs;

namespace OrleansAis.Status;

/// <summary>A status read, and why it was assembled from stored state instead of the grain that owns it (null when it was not).</summary>
public sealed record StatusRead<T>(T Value, string? Degraded);

/// <summary>
/// The ETL and job status pages. The ETL registry, the job index and each job are single grains on some silo; between
/// that silo's crash and its detection every call to them is rejected or hangs. Then the page is assembled from their
/// stored state (every change is written before it is acknowledged, so it is what the grain would answer) and the
/// nodes that still answer, and says so, instead of failing.
/// </summary>
public sealed class StatusReader(IGrainFactory grains, NodeCalls calls, EtlStatusView etls, JobStatusView jobs, IServiceProvider services)
{
    private const string EtlStateName = "etl";
    private const string JobIndexStateName = "jobs";
    private const string JobStateName = "job";

    private IEtlRegistryGrain Registry => grains.GetGrain<IEtlRegistryGrain>(IEtlRegistryGrain.Key);

    public async Task<StatusRead<IReadOnlyList<EtlInfo>>> Etls()
    {
        var answer = await calls.Call("the ETL registry", () => Registry.List());
        if (answer.Answered) return new(answer.Value!, null);
        var stored = await ReadStored<EtlRegistryState>(EtlStateName, Registry);
        var infos = await Task.WhenAll(stored.Etls.Values.OrderBy(r => r.Spec.Name, StringComparer.Ordinal).Select(etls.Describe));
        return new(infos, Because(answer.Unreachable));
    }

    public async Task<StatusRead<EtlInfo>> Etl(string name)
    {
        var answer = await calls.Call("the ETL registry", () => Registry.Get(name));
        if (answer.Answered) return new(answer.Value!, null);
        var stored = await ReadStored<EtlRegistryState>(EtlStateName, Registry);
        return stored.Etls.TryGetValue(name, out var record)
            ? new(await etls.Describe(record), Because(answer.Unreachable))
            : throw OaisException.EtlNotFound(name);
    }

    public async Task<StatusRead<IReadOnlyList<EtlJobStatus>>> Jobs()
    {
        var index = grains.GetGrain<IJobIndexGrain>(IJobIndexGrain.Key);
        var ids = await calls.Call("the job index", () => index.List());
        var list = ids.Value ?? (await ReadStored<JobIndexState>(JobIndexStateName, index)).Jobs;
        var reads = await Task.WhenAll(list.Select(Job));
        var degraded = ids.Answered ? reads.Select(r => r.Degraded).FirstOrDefault(d => d is not null) : Because(ids.Unreachable);
        return new(reads.Select(r => r.Value).ToList(), degraded);
    }

    public async Task<StatusRead<EtlJobStatus>> Job(string id)
    {
        var job = grains.GetGrain<IEtlJobGrain>(id);
        var answer = await calls.Call($"job '{id}'", () => job.Status());
        if (answer.Answered) return new(answer.Value!, null);
        var stored = await ReadStored<EtlJobState>(JobStateName, job);
        return new(JobStatusView.Status(id, stored, await jobs.Nodes(id, stored)), Because(answer.Unreachable));
    }

    private static string Because(string? unreachable) => $"{unreachable}; shown from its stored state";

    private async Task<T> ReadStored<T>(string stateName, IAddressable grain) where T : new()
    {
        var storage = services.GetRequiredKeyedService<IGrainStorage>(BucketRegistryGrain.StorageName);
        var state = new GrainState<T>(new T());
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
        return state.State ?? new T();
    }
}
