namespace OrleansAis.Loader.Http;

/// <summary>An ETL's cluster-wide stage (Initializing, Running, Aborted) and why it was aborted.</summary>
internal sealed record EtlStatus(string Stage, string? AbortReason)
{
    public bool IsRunning => Stage.Equals("Running", StringComparison.OrdinalIgnoreCase);
    public bool IsAborted => Stage.Equals("Aborted", StringComparison.OrdinalIgnoreCase);
}
