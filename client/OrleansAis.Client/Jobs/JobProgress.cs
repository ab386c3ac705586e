using OrleansAis.Events;
using OrleansAis.Jobs;

namespace OrleansAis.Client;

/// <summary>
/// Where an offline job stands, as <see cref="OaisClient.WaitJobAsync"/> reports it while waiting. <see cref="TotalObjects"/>
/// and <see cref="TotalBytes"/> are what the job selected, known once every node counted its share (before it
/// transforms); <see cref="Fraction"/> is then the share of objects processed (done, skipped or failed).
/// </summary>
public sealed record JobProgress(string JobId, JobState State, long Objects, long Skipped, long Errors, long BytesIn, long BytesOut,
    int NodesFinished, int Nodes, long? TotalObjects = null, long? TotalBytes = null)
{
    public static JobProgress Of(EtlJobStatus status) => new(status.Id, status.State, status.Objects, status.Skipped, status.ErrorCount,
        status.BytesIn, status.BytesOut, status.Nodes.Count(n => n.State != JobState.Running), status.Nodes.Count, status.TotalObjects, status.TotalBytes);

    /// <summary>Processed objects over the total, 0 to 1; null while the total is not known.</summary>
    public double? Fraction => TotalObjects is { } total ? total == 0 ? 1 : Math.Min(1, (double)(Objects + Skipped + Errors) / total) : null;

    /// <summary>A node's part as its latest progress event tells it (the errors listed before are kept).</summary>
    internal static JobNodeStatus NodeOf(JobEvent e, JobNodeStatus? before) => new()
    {
        NodeId = e.Node!, State = e.State, Objects = e.Objects, BytesIn = e.BytesIn, BytesOut = e.BytesOut, Skipped = e.Skipped,
        ErrorCount = e.Errors, Errors = before?.Errors ?? [], Elapsed = before?.Elapsed ?? TimeSpan.Zero, Message = e.Message,
        TotalObjects = e.TotalObjects, TotalBytes = e.TotalBytes,
    };
}
