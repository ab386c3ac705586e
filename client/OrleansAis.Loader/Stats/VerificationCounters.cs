namespace OrleansAis.Loader.Stats;

/// <summary>How many GETs had their content checked, and how many could not be (no expected value known).</summary>
internal sealed class VerificationCounters
{
    private long _verified;
    private long _unverified;

    public long Verified => Interlocked.Read(ref _verified);
    public long Unverified => Interlocked.Read(ref _unverified);

    public void CountVerified() => Interlocked.Increment(ref _verified);

    public void CountUnverified() => Interlocked.Increment(ref _unverified);
}
