namespace OrleansAis.Rebalancing;

/// <summary>
/// Requests for a rebalance pass, coalesced: any number of requests before the next pass starts cause one pass.
/// Its own type so the store's write hook can ask for a pass without depending on the <see cref="Rebalancer"/>,
/// which depends on the store.
/// </summary>
public sealed class RebalanceRequests
{
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Asks for a pass soon (cheap; coalesces with pending requests).</summary>
    public void Nudge()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    public Task WaitAsync(CancellationToken ct) => _wake.WaitAsync(ct);

    /// <summary>A pass was asked for and has not started yet.</summary>
    public bool Pending => _wake.CurrentCount > 0;
}
