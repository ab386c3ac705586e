using OrleansAis.Jobs;

namespace OrleansAis.Client;

/// <summary>Where an offline job stands, as <see cref="OaisClient.WaitJobAsync"/> reports it while waiting.</summary>
public sealed record JobProgress(string JobId, JobState State, long Objects, long Skipped, long Errors, long BytesIn, long BytesOut,
    int NodesFinished, int Nodes)
{
    public static JobProgress Of(EtlJobStatus status) => new(status.Id, status.State, status.Objects, status.Skipped, status.ErrorCount,
        status.BytesIn, status.BytesOut, status.Nodes.Count(n => n.State != JobState.Running), status.Nodes.Count);
}
