namespace OrleansAis.Client.GrainCalls;

/// <summary>
/// Retries idempotent grain calls that failed because their target silo was going away: a node leaving or dying
/// rejects messages until the activation is re-placed, and a request caught in a silo's shutdown can go unanswered
/// (a timeout). Writes are never retried here: a put is a session of calls.
/// </summary>
internal static class TransientRetry
{
    private const int Attempts = 6;
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);

    public static async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken ct = default)
    {
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (attempt < Attempts && IsTransient(e))
            {
                await Task.Delay(delay, ct);
                delay *= 2;
            }
        }
    }

    private static bool IsTransient(Exception e) => e is OrleansMessageRejectionException or SiloUnavailableException or TimeoutException;
}
