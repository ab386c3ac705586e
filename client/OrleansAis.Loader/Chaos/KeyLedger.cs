namespace OrleansAis.Loader.Chaos;

/// <summary>
/// What the writer of one key knows about it: the last acknowledged write, and the writes whose outcome is unknown (no
/// answer) or that were refused. Only one writer writes a key, so the order of its acknowledged writes is the order sent.
/// </summary>
internal sealed class KeyLedger(string bucket, string name)
{
    private readonly Lock _lock = new();
    private readonly HashSet<long> _unsettled = [];
    private long _acked = -1;
    private long _next;

    public string Bucket => bucket;
    public string Name => name;
    public string Key => $"{bucket}/{name}";

    /// <summary>The last acknowledged write; -1 before the first.</summary>
    public long Acked { get { lock (_lock) return _acked; } }

    public long NextSequence() { lock (_lock) return _next++; }

    public void Acknowledged(long sequence) { lock (_lock) _acked = Math.Max(_acked, sequence); }

    /// <summary>A write that got no success: it may still land (no answer) or, against the rules, be visible (refused).</summary>
    public void Unsettled(long sequence) { lock (_lock) _unsettled.Add(sequence); }

    /// <summary>
    /// Whether a read that started when <paramref name="ackedAtStart"/> was the last acknowledged write may return
    /// <paramref name="sequence"/>: that write or a later one, or an unsettled write (it may have landed late).
    /// </summary>
    public bool MayRead(long sequence, long ackedAtStart)
    {
        lock (_lock) return sequence >= ackedAtStart || _unsettled.Contains(sequence);
    }
}
