namespace OrleansAis.Loader.Chaos;

/// <summary>The counters of a chaos run, updated by every writer at once.</summary>
internal sealed class ChaosCounts
{
    public long Acknowledged;
    public long WritesRefused;     // an error status: the write is not to be visible
    public long WritesUnanswered;  // no status (refused connection, reset, timeout): outcome unknown
    public long Reads;
    public long ReadsUnavailable;  // 503 or no answer: allowed while a node is down
    public long Stale;             // a version older than the last acknowledged write
    public long WrongBytes;        // content that is no write of that key
    public long Absent;            // 404 for a key with an acknowledged write, during the run
    public long Lost;              // final check: an acknowledged key missing
    public long FinalStale;        // final check: older than the last acknowledged write
    public long Kills, Restarts, Adds, Decommissions;

    public readonly System.Collections.Concurrent.ConcurrentQueue<string> Samples = new();

    public void Note(string what)
    {
        if (Samples.Count < 200) Samples.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");
    }

    public bool Failed => Lost + Stale + FinalStale + WrongBytes > 0;
}
