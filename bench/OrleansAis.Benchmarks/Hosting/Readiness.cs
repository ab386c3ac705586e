namespace OrleansAis.Benchmarks.Hosting;

public static class Readiness
{
    /// <summary>Polls <paramref name="isReady"/> until it holds; fails early when <paramref name="process"/> dies.</summary>
    public static async Task WaitAsync(ChildProcess process, Func<Task<bool>> isReady, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            process.EnsureRunning();
            try
            {
                if (await isReady()) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
        throw new TimeoutException($"{process.Name} was not ready within {timeout}:\n{process.OutputTail}");
    }
}
