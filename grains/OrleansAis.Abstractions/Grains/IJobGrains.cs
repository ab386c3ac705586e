using OrleansAis.Jobs;

namespace OrleansAis.Grains;

/// <summary>One offline ETL job (key: job id): the cluster-wide view, persisted; every silo does its share.</summary>
[Alias("oais.IEtlJobGrain")]
public interface IEtlJobGrain : IGrainWithStringKey
{
    [Alias("Start")] Task<EtlJobStatus> Start(EtlJobRequest request);
    [Alias("Status")] Task<EtlJobStatus> Status();
    [Alias("Abort")] Task<EtlJobStatus> Abort(string reason);
    /// <summary>A silo finished its share (or failed; then, without continue_on_error, the job stops everywhere).</summary>
    [Alias("NodeFinished")] Task NodeFinished(JobNodeStatus status);
    /// <summary>The job's state, without asking the nodes (a restarted node asks before it resumes its share).</summary>
    [Alias("State")] Task<JobState> State();
}

/// <summary>Recent jobs, newest first (key <see cref="Key"/>).</summary>
[Alias("oais.IJobIndexGrain")]
public interface IJobIndexGrain : IGrainWithStringKey
{
    public const string Key = "jobs";
    public const int Keep = 200;

    [Alias("Add")] Task Add(string jobId);
    [Alias("List")] Task<IReadOnlyList<string>> List();
}

/// <summary>
/// Exactly one per storage node (key: node id), pinned to it: runs that node's share of jobs. The jobs it was given are
/// kept in the cluster's storage until their share ends, so a node that restarts resumes them.
/// </summary>
[Alias("oais.IJobNodeGrain")]
public interface IJobNodeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts (once) walk <paramref name="round"/> of this node's share: 0 is the job's first walk, a later one a re-walk
    /// after the owners changed. A job this node already had is resumed: what is already produced is skipped.
    /// </summary>
    [Alias("Run")] Task Run(string jobId, EtlJobRequest request, int round);
    /// <summary>Null when this node neither runs nor keeps the job.</summary>
    [Alias("Status")] Task<JobNodeStatus?> Status(string jobId);
    [Alias("Abort")] Task Abort(string jobId, string reason);
    /// <summary>Walk <paramref name="round"/> of the share ended and its end was reported: the node need not resume it.</summary>
    [Alias("Forget")] Task Forget(string jobId, int round);
    /// <summary>The first count of walk <paramref name="round"/>'s share, kept for a resumed share to report.</summary>
    [Alias("Count")] Task Count(string jobId, int round, long objects, long bytes);
    /// <summary>Resumes the shares this node kept (called when the silo starts).</summary>
    [Alias("Resume")] Task Resume();

    /// <summary>
    /// Copy-transform of one object this node owns: <c>src</c> through the ETL into <c>dst</c> (delivered to its owner).
    /// Returns the bytes produced.
    /// </summary>
    [Alias("Copy"), ResponseTimeout("00:10:00")]
    Task<long> Copy(string etl, string srcBucket, string srcName, string dstBucket, string dstName, string? etlArgs);
}
