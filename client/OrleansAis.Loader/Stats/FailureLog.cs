using System.Collections.Concurrent;

namespace OrleansAis.Loader.Stats;

/// <summary>
/// Every failure in arrival order, up to a cap so a long stress run against a dead cluster keeps bounded memory;
/// the counts (in <see cref="OperationStats"/>) stay exact beyond the cap, and the report says how many were not listed.
/// </summary>
internal sealed class FailureLog(int capacity)
{
    private readonly ConcurrentQueue<Failure> _failures = new();
    private long _total;
    private long _wrongReads;

    public long Total => Interlocked.Read(ref _total);
    public long WrongReads => Interlocked.Read(ref _wrongReads);
    public long NotListed => Math.Max(0, Total - capacity);
    public IReadOnlyList<Failure> Listed => _failures.OrderBy(f => f.Time).ToList();

    public void Add(Failure failure)
    {
        if (failure.WrongRead) Interlocked.Increment(ref _wrongReads);
        if (Interlocked.Increment(ref _total) <= capacity) _failures.Enqueue(failure);
    }
}
