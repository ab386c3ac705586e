namespace OrleansAis.Loader.Report;

/// <summary>The final report of a run (rendered as a text table, or as JSON with snake_case names by --json).</summary>
internal sealed record LoaderReport(
    ReportSettings Settings,
    DateTimeOffset Started,
    double WallSeconds,
    double WorkloadSeconds,
    string? StoppedEarly,
    string? SetupError,
    PrefillReport? Prefill,
    long ObjectsWritten,
    IReadOnlyDictionary<string, OperationReport> Operations,
    OperationTotals Total,
    VerificationReport Verification,
    IReadOnlyList<FailureReport> WrongReads,
    IReadOnlyList<FailureReport> Failures,
    long FailuresNotListed,
    CleanupReport? Cleanup,
    EtlReport? Etl,
    IReadOnlyList<string> Notes,
    int ExitCode);

/// <summary>The flags the run used, resolved (defaults filled in).</summary>
internal sealed record ReportSettings(
    IReadOnlyList<string> Endpoints,
    string Bucket,
    int Workers,
    double? DurationSeconds,
    long? MaxOps,
    long MinSize,
    long MaxSize,
    int PctPut,
    int Objects,
    string Prefix,
    long Seed,
    bool Prefill,
    bool Cleanup,
    bool Verify,
    bool Stress,
    string? Etl,
    string? EtlBuiltin,
    string? Communicator,
    double TimeoutSeconds);

/// <summary>One operation type over the measured workload: successes (count, bytes, latency) and failures by kind.</summary>
internal sealed record OperationReport(
    long Count,
    long Errors,
    long Bytes,
    double OpsPerSec,
    double MibPerSec,
    LatencyReport LatencyMs,
    IReadOnlyDictionary<string, long> ErrorsByKind);

internal sealed record OperationTotals(long Count, long Errors, long Bytes, double OpsPerSec, double MibPerSec);

/// <summary>Latency of successful operations in milliseconds (percentiles within 1.6%).</summary>
internal sealed record LatencyReport(double Min, double Mean, double P50, double P90, double P99, double Max);

internal sealed record PrefillReport(long Objects, long Bytes, long Errors, double Seconds, IReadOnlyDictionary<string, long> ErrorsByKind);

internal sealed record CleanupReport(long Deleted, long Errors, bool BucketDeleted, IReadOnlyDictionary<string, long> ErrorsByKind);

internal sealed record EtlReport(string Name, string? Builtin, string? Communicator, bool Created, bool Deleted);

internal sealed record VerificationReport(bool Enabled, string Method, long Verified, long Unverified, long WrongReads, string? Note);

/// <summary>One failed or wrong operation; <c>elapsed_seconds</c> counts from the loader's start.</summary>
internal sealed record FailureReport(DateTimeOffset Time, double ElapsedSeconds, string Operation, string Object, string Kind, string Detail, string Endpoint);
