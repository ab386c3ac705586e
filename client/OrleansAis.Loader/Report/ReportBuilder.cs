using OrleansAis.Loader.Options;
using OrleansAis.Loader.Stats;

namespace OrleansAis.Loader.Report;

/// <summary>Turns the run's counters and facts into a <see cref="LoaderReport"/>, including the exit code.</summary>
internal static class ReportBuilder
{
    private const double MiB = 1024 * 1024;

    public static LoaderReport Build(LoaderOptions options, RunStats stats, RunFacts facts, string verifyMethod, string? verifyNote)
    {
        var seconds = stats.WorkloadTime.TotalSeconds;
        var failures = stats.Failures.Listed;
        var put = Operation(stats.Put, seconds);
        var get = Operation(stats.Get, seconds);
        var prefillRan = facts.PrefillTime is not null;
        var failed = facts.SetupError is not null || stats.TotalErrors > 0;
        // --stress: failures are the point of the run, not its failure; a run that never started still is one.
        var exitCode = facts.SetupError is not null ? ExitCodes.Errors : failed && !options.Stress ? ExitCodes.Errors : ExitCodes.Ok;

        return new LoaderReport(
            Settings(options),
            stats.Started,
            Round(stats.Elapsed.TotalSeconds),
            Round(seconds),
            facts.StoppedEarly,
            facts.SetupError,
            prefillRan ? new PrefillReport(stats.Prefill.Count, stats.Prefill.Bytes, stats.Prefill.Errors, Round(facts.PrefillTime!.Value.TotalSeconds), stats.Prefill.ErrorsByKind) : null,
            facts.ObjectsWritten,
            new Dictionary<string, OperationReport> { ["put"] = put, ["get"] = get },
            new OperationTotals(put.Count + get.Count, put.Errors + get.Errors, put.Bytes + get.Bytes, Round(put.OpsPerSec + get.OpsPerSec), Round(put.MibPerSec + get.MibPerSec)),
            new VerificationReport(options.Verify, verifyMethod, stats.Verification.Verified, stats.Verification.Unverified, stats.Failures.WrongReads, verifyNote),
            failures.Where(f => f.WrongRead).Select(ToReport).ToList(),
            failures.Select(ToReport).ToList(),
            stats.Failures.NotListed,
            facts.CleanupRan ? new CleanupReport(facts.Deleted, stats.Delete.Errors, facts.BucketDeleted, stats.Delete.ErrorsByKind) : null,
            options.Etl is { } etl
                ? new EtlReport(etl.Name, etl.Builtin is { } b ? EtlSelection.Lower(b) : null, etl.Builtin is null ? null : EtlSelection.Lower(etl.Communicator),
                    facts.EtlCreated, facts.EtlDeleted)
                : null,
            facts.Notes,
            exitCode);
    }

    private static OperationReport Operation(OperationStats stats, double seconds)
    {
        var latency = stats.Latency.Summarize();
        return new OperationReport(
            stats.Count,
            stats.Errors,
            stats.Bytes,
            seconds > 0 ? Round(stats.Count / seconds) : 0,
            seconds > 0 ? Round(stats.Bytes / MiB / seconds) : 0,
            new LatencyReport(Ms(latency.MinMicros), Ms(latency.MeanMicros), Ms(latency.P50Micros), Ms(latency.P90Micros), Ms(latency.P99Micros), Ms(latency.MaxMicros)),
            stats.ErrorsByKind);
    }

    private static ReportSettings Settings(LoaderOptions o) => new(
        o.Endpoints.Select(e => e.ToString().TrimEnd('/')).ToList(),
        o.Bucket,
        o.Workers,
        o.Duration?.TotalSeconds,
        o.MaxOps,
        o.MinSize,
        o.MaxSize,
        o.PctPut,
        o.Objects,
        o.Prefix,
        o.Seed,
        o.Prefill,
        o.Cleanup,
        o.Verify,
        o.Stress,
        o.Etl?.Name,
        o.Etl?.Builtin is { } b ? EtlSelection.Lower(b) : null,
        o.Etl?.Builtin is null ? null : EtlSelection.Lower(o.Etl.Communicator),
        o.RequestTimeout.TotalSeconds);

    private static FailureReport ToReport(Failure f) =>
        new(f.Time, Round(f.Elapsed.TotalSeconds), f.Operation.ToString().ToUpperInvariant(), f.Object, f.Kind, f.Detail, f.Endpoint.TrimEnd('/'));

    private static double Ms(double micros) => Math.Round(micros / 1000, 3);

    private static double Round(double value) => Math.Round(value, 3);
}
