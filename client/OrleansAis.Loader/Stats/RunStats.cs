using System.Diagnostics;

namespace OrleansAis.Loader.Stats;

/// <summary>All counters of one run and its clock (elapsed times are measured from the start of the workload).</summary>
internal sealed class RunStats(int failureCapacity)
{
    private readonly Stopwatch _clock = new();

    public OperationStats Put { get; } = new();
    public OperationStats Get { get; } = new();
    public OperationStats Prefill { get; } = new();
    public OperationStats Delete { get; } = new();
    public FailureLog Failures { get; } = new(failureCapacity);
    public VerificationCounters Verification { get; } = new();

    public DateTimeOffset Started { get; private set; }
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Time of the measured workload (prefill and cleanup excluded): the basis of ops/s and MiB/s.</summary>
    public TimeSpan WorkloadTime { get; set; }

    public void StartClock()
    {
        Started = DateTimeOffset.UtcNow;
        _clock.Start();
    }

    public OperationStats For(OperationKind kind) => kind switch
    {
        OperationKind.Put => Put,
        OperationKind.Get => Get,
        OperationKind.Prefill => Prefill,
        _ => Delete,
    };

    public long TotalErrors => Put.Errors + Get.Errors + Prefill.Errors + Delete.Errors;
}
