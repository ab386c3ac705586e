namespace OrleansAis.Testing;

/// <summary>
/// Waiting for a condition instead of sleeping a fixed time: as fast as the system is, and a failure that says what
/// never happened. Every test waits through these, so timeouts and poll intervals read the same everywhere.
/// </summary>
public static class Waiting
{
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> with <paramref name="failure"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failure, TimeSpan? poll = null) =>
        await WaitUntil(condition, held => held, timeout, _ => failure(), poll);

    public static Task WaitUntil(Func<bool> condition, TimeSpan timeout, Func<string> failure, TimeSpan? poll = null) =>
        WaitUntil(() => Task.FromResult(condition()), timeout, failure, poll);

    /// <summary>
    /// Polls <paramref name="probe"/> until <paramref name="done"/> accepts what it returns, and returns that; after
    /// <paramref name="timeout"/> throws with <paramref name="failure"/> of the last value seen. The probe runs at least once.
    /// </summary>
    public static async Task<T> WaitUntil<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, Func<T, string> failure, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {failure(value)}");
            await Task.Delay(poll ?? DefaultPoll);
        }
    }
}
