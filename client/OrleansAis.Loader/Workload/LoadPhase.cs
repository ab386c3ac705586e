using OrleansAis.Loader.Stats;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// The measured workload: N workers, each choosing PUT (a random name of the set) or GET (a random name known to
/// exist) by --pct-put, until the budget runs out. A GET chosen while nothing is readable yet becomes a PUT.
/// </summary>
internal sealed class LoadPhase(int workers, int pctPut, long seed, ObjectSet objects, ObjectCatalog catalog, ObjectOperations operations, RunBudget budget)
{
    public async Task RunAsync(CancellationToken abort)
    {
        budget.Start();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(() => WorkerAsync(worker, abort), CancellationToken.None)));
    }

    private async Task WorkerAsync(int worker, CancellationToken abort)
    {
        // Each worker its own generator: reproducible choices per worker, no lock between workers.
        var random = new Random(unchecked((int)(seed * 1_000_003 + worker)));
        while (budget.TryStartOperation())
        {
            var readable = random.Next(100) < pctPut ? -1 : catalog.PickReadable(random);
            if (readable < 0) await operations.PutAsync(random.Next(objects.Count), OperationKind.Put, abort);
            else await operations.GetAsync(readable, abort);
        }
    }
}
