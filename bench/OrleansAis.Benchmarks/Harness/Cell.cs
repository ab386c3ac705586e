namespace OrleansAis.Benchmarks.Harness;

/// <summary>
/// One measurement of a comparison: its name in the log, the load to run, the server process to meter (if any), and
/// for operations that take seconds each, a longer measured window than the run's (so that enough of them complete).
/// </summary>
public sealed record Cell(string Label, Operation Operation, int? ServerPid = null, TimeSpan? MinimumWindow = null);
