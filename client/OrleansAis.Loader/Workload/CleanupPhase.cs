namespace OrleansAis.Loader.Workload;

/// <summary>--cleanup: deletes every object this run wrote, with the run's number of workers.</summary>
internal sealed class CleanupPhase(int workers, ObjectCatalog catalog, ObjectOperations operations)
{
    /// <summary>Returns how many objects were deleted.</summary>
    public async Task<int> RunAsync(CancellationToken abort)
    {
        var written = catalog.Written();
        var next = -1;
        var deleted = 0;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(workers, Math.Max(1, written.Count))).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < written.Count && !abort.IsCancellationRequested)
            {
                if (await operations.DeleteAsync(written[i], abort)) Interlocked.Increment(ref deleted);
            }
        }, CancellationToken.None)));
        return deleted;
    }
}
