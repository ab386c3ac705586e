using System.Diagnostics;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// When workers may start another operation: before the deadline, while operations are left (exactly --max-ops are
/// started), and until the run is stopped (interrupt, or a transport failure outside --stress).
/// </summary>
internal sealed class RunBudget
{
    private readonly TimeSpan? _duration;
    private readonly CancellationToken _interrupt;
    private readonly Stopwatch _clock = new();
    private long _remaining;
    private string? _stopReason;

    public RunBudget(TimeSpan? duration, long? maxOps, CancellationToken interrupt)
    {
        _duration = duration;
        _remaining = maxOps ?? long.MaxValue;
        _interrupt = interrupt;
    }

    /// <summary>Why the run ended before its duration or operation count, if it did.</summary>
    public string? StopReason => _interrupt.IsCancellationRequested ? "interrupted" : Volatile.Read(ref _stopReason);

    public void Start() => _clock.Start();

    public bool TryStartOperation()
    {
        if (StopReason is not null) return false;
        if (_duration is { } d && _clock.Elapsed >= d) return false;
        return Interlocked.Decrement(ref _remaining) >= 0;
    }

    public void Stop(string reason) => Interlocked.CompareExchange(ref _stopReason, reason, null);
}
