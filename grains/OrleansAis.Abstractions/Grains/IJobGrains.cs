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

/// <summary>Exactly one per storage node (key: node id), pinned to it: runs that node's share of jobs.</summary>
[Alias("oais.IJobNodeGrain")]
public interface IJobNodeGrain : IGrainWithStringKey
{
    [Alias("Run")] Task Run(string jobId, EtlJobRequest request);
    /// <summary>Null when this node does not know the job (e.g. it restarted since).</summary>
    [Alias("Status")] Task<JobNodeStatus?> Status(string jobId);
    [Alias("Abort")] Task Abort(string jobId, string reason);

    /// <summary>
    /// Copy-transform of one object this node owns: <c>src</c> through the ETL into <c>dst</c> (delivered to its owner).
    /// Returns the bytes produced.
    /// </summary>
    [Alias("Copy"), ResponseTimeout("00:10:00")]
    Task<long> Copy(string etl, string srcBucket, string srcName, string dstBucket, string dstName, string? etlArgs);
}
