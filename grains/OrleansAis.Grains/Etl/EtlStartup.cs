using Microsoft.Extensions.Logging;
using OrleansAis.Cluster;
using OrleansAis.Etl.Lifecycle;
using OrleansAis.Grains;

namespace OrleansAis.Etl;

/// <summary>
/// When the silo becomes active: removes transformers a previous incarnation left behind, then starts every ETL the
/// registry wants running (a silo that joins later, or restarts, catches up on its own — AIStore's gap).
/// </summary>
public sealed class EtlStartup(EtlLifecycle etls, ClusterMap cluster, IGrainFactory grains, ILogger<EtlStartup> log)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(EtlStartup), ServiceLifecycleStage.Active, OnActive, _ => etls.DisposeAsync().AsTask());

    private async Task OnActive(CancellationToken ct)
    {
        try
        {
            await etls.Runtime.RemoveOrphansAsync(cluster.Local.NodeId, ct);
        }
        catch (OaisException e)
        {
            // The silo still stores and serves objects; ETLs report the runtime's problem when they start.
            log.LogError("Could not clean up transformers left by a previous run: {Reason}", e.Message);
        }
        // Not awaited: starting transformers may take up to their init_timeout; the silo is ready meanwhile.
        _ = Task.Run(async () =>
        {
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                try
                {
                    await grains.GetGrain<IEtlWorkerGrain>(cluster.Local.NodeId).Sync();
                    return;
                }
                catch (Exception e)
                {
                    log.LogWarning(e, "Starting this node's ETLs failed (attempt {Attempt}); retrying", attempt);
                    await Task.Delay(TimeSpan.FromSeconds(attempt * 2));
                }
            }
        }, CancellationToken.None);
    }
}
