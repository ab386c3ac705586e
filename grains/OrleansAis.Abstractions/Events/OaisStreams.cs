using Orleans.Runtime;

namespace OrleansAis.Events;

/// <summary>
/// The Orleans streams events travel on (docs/EVENTS.md): one provider, one namespace per kind of subject, the subject's
/// name as the stream key. Silos publish; the silo's server-sent events, the .NET client and the CLI subscribe.
/// </summary>
public static class OaisStreams
{
    /// <summary>The stream provider's name, the same in silos and clients.</summary>
    public const string Provider = "oais-events";

    /// <summary>Grain storage holding who subscribes to which stream (Orleans' pub/sub rendezvous state).</summary>
    public const string PubSubStorage = "PubSubStore";

    public const string BucketNamespace = "oais.bucket";
    public const string EtlNamespace = "oais.etl";
    public const string JobNamespace = "oais.job";

    /// <summary>Objects created, overwritten and deleted in the bucket.</summary>
    public static StreamId Bucket(string bucket) => StreamId.Create(BucketNamespace, bucket);

    /// <summary>Stage changes, restarts and aborts of the ETL, per node.</summary>
    public static StreamId Etl(string etl) => StreamId.Create(EtlNamespace, etl);

    /// <summary>Progress per node and state changes of the job.</summary>
    public static StreamId Job(string jobId) => StreamId.Create(JobNamespace, jobId);
}
