using Microsoft.Extensions.Logging;
using OrleansAis.Cluster;
using OrleansAis.Grains;

namespace OrleansAis.Jobs;

/// <summary>
/// When the silo becomes active: resumes the shares of jobs this node was given and had not finished when its previous
/// incarnation stopped or crashed (kept by <see cref="JobNodeGrain"/> in the cluster's storage).
/// </summary>
public sealed partial class JobResumeStartup(ClusterMap cluster, IGrainFactory grains, ILogger<JobResumeStartup> log)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private const int Attempts = 5;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(JobResumeStartup), ServiceLifecycleStage.Active, OnActive);

    private Task OnActive(CancellationToken ct)
    {
        // Not awaited: the share waits for this node's transformers, which start in the background too.
        _ = Task.Run(async () =>
        {
            for (var attempt = 1; attempt <= Attempts; attempt++)
            {
                try
                {
                    await grains.GetGrain<IJobNodeGrain>(cluster.Local.NodeId).Resume();
                    return;
                }
                catch (Exception e)
                {
                    LogResumeFailed(e, attempt);
                    await Task.Delay(TimeSpan.FromSeconds(attempt * 2));
                }
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resuming this node's job shares failed (attempt {Attempt}); retrying")]
    private partial void LogResumeFailed(Exception e, int attempt);
}
