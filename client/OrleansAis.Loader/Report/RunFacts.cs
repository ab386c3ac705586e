namespace OrleansAis.Loader.Report;

/// <summary>What happened around the workload (setup, prefill, cleanup, ETL), gathered by the run for the report.</summary>
internal sealed class RunFacts
{
    public string? SetupError { get; set; }
    public string? StoppedEarly { get; set; }
    public TimeSpan? PrefillTime { get; set; }
    public bool BucketCreated { get; set; }

    /// <summary>Distinct objects this run wrote (prefill and PUTs).</summary>
    public long ObjectsWritten { get; set; }
    public bool CleanupRan { get; set; }
    public long Deleted { get; set; }
    public bool BucketDeleted { get; set; }
    public bool EtlCreated { get; set; }
    public bool EtlDeleted { get; set; }
    public List<string> Notes { get; } = [];
}
