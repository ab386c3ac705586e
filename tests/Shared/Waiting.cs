namespace OrleansAis.Testing;

/// <summary>
/// Waiting for a condition instead of sleeping a fixed time: as fast as the system is, and a failure that says what
/// never happened. Every test waits through these, so timeouts and poll intervals read the same everywhere; a test
/// has no loop of its own around a deadline and no fixed sleep before an assertion.
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
        var (value, held) = await TryWaitUntil(probe, done, timeout, poll);
        return held ? value : throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {failure(value)}");
    }

    /// <summary>
    /// The other half of waiting: that something does NOT happen can only be seen over a window. Polls
    /// <paramref name="invariant"/> for all of <paramref name="window"/> and throws <see cref="InvalidOperationException"/>
    /// with <paramref name="failure"/> as soon as it fails, instead of sleeping the window and looking once at its end.
    /// </summary>
    public static async Task HoldsFor(Func<Task<bool>> invariant, TimeSpan window, Func<string> failure, TimeSpan? poll = null)
    {
        var end = DateTime.UtcNow + window;
        while (true)
        {
            if (!await invariant()) throw new InvalidOperationException($"within {window.TotalSeconds:0.#} s: {failure()}");
            if (DateTime.UtcNow >= end) return;
            await Task.Delay(poll ?? DefaultPoll);
        }
    }

    /// <summary>
    /// As <see cref="WaitUntil{T}"/>, but after <paramref name="timeout"/> returns the last value seen with
    /// <c>Held = false</c> instead of throwing: for callers that report the value themselves (an assertion comparing it,
    /// or a list of problems collected over many objects).
    /// </summary>
    public static async Task<(T Value, bool Held)> TryWaitUntil<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value)) return (value, true);
            if (DateTime.UtcNow >= deadline) return (value, false);
            await Task.Delay(poll ?? DefaultPoll);
        }
    }
}
