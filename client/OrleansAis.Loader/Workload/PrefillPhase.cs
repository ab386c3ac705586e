using OrleansAis.Loader.Stats;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// Writes every name of the set before a run that reads from an empty bucket (aisloader's prefill), with the run's
/// number of workers; counted apart from the measured PUTs.
/// </summary>
internal sealed class PrefillPhase(int workers, ObjectSet objects, ObjectOperations operations, Func<bool> stopRequested)
{
    private int _next = -1;

    public async Task RunAsync(CancellationToken abort) =>
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkerAsync(abort), CancellationToken.None)));

    private async Task WorkerAsync(CancellationToken abort)
    {
        int index;
        while (!stopRequested() && (index = Interlocked.Increment(ref _next)) < objects.Count)
            await operations.PutAsync(index, OperationKind.Prefill, abort);
    }
}
