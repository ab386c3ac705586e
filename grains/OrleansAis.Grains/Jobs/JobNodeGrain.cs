using Orleans.Placement;
using OrleansAis.Grains;
using OrleansAis.Placement;

namespace OrleansAis.Jobs;

/// <summary>One per node, pinned: the cluster's handle on that node's <see cref="NodeJobRunner"/>.</summary>
[NodePinnedPlacement, Immovable, KeepAlive]
public sealed class JobNodeGrain(NodeJobRunner runner) : Grain, IJobNodeGrain
{
    public Task Run(string jobId, EtlJobRequest request)
    {
        runner.Start(jobId, request);
        return Task.CompletedTask;
    }

    public Task<JobNodeStatus?> Status(string jobId) => Task.FromResult(runner.Status(jobId));

    public Task Abort(string jobId, string reason)
    {
        runner.Abort(jobId, reason);
        return Task.CompletedTask;
    }

    public Task<long> Copy(string etl, string srcBucket, string srcName, string dstBucket, string dstName, string? etlArgs) =>
        runner.CopyAsync(etl, srcBucket, srcName, dstBucket, dstName, etlArgs);
}
