using OrleansAis.Buckets;
using OrleansAis.Grains;

namespace OrleansAis.Jobs;

[GenerateSerializer, Alias("oais.JobIndexState")]
public sealed class JobIndexState
{
    [Id(0)] public List<string> Jobs { get; set; } = [];
}

public sealed class JobIndexGrain([PersistentState("jobs", BucketRegistryGrain.StorageName)] IPersistentState<JobIndexState> state)
    : Grain, IJobIndexGrain
{
    public async Task Add(string jobId)
    {
        state.State.Jobs.Insert(0, jobId);
        if (state.State.Jobs.Count > IJobIndexGrain.Keep) state.State.Jobs.RemoveRange(IJobIndexGrain.Keep, state.State.Jobs.Count - IJobIndexGrain.Keep);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>(state.State.Jobs.ToList());
}
