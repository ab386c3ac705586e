namespace OrleansAis.Benchmarks.Harness;

/// <summary>One measurement of a comparison: its name in the log, the load to run, and the server process to meter (if any).</summary>
public sealed record Cell(string Label, Operation Operation, int? ServerPid = null);
