using OrleansAis.Etl;
using OrleansAis.Jobs;

namespace OrleansAis.Follow;

/// <summary>
/// A transform-on-write rule: every object created or overwritten in <see cref="Source"/> is transformed by its owner
/// into <see cref="Destination"/>, and a source's delete deletes its derived object. A rule is identified by its two
/// buckets (<see cref="Id"/>): one source feeds a destination through one rule, and putting a rule for the same pair
/// replaces it. The transform is an <see cref="EtlJobRequest"/> (etl, buckets, ext, prepend, etl_args), so a rule is
/// validated, and names its outputs, exactly as an offline job does.
/// </summary>
[GenerateSerializer, Immutable, Alias("oais.FollowRule")]
public sealed class FollowRule
{
    [Id(0)] public required EtlJobRequest Transform { get; init; }
    [Id(1)] public DateTimeOffset Created { get; init; }

    public string Source => Transform.SourceBucket;
    public string Destination => Transform.DestinationBucket!;
    public string Id => IdOf(Source, Destination);

    public static string IdOf(string source, string destination) => $"{source}->{destination}";

    /// <summary>What every source object goes through: the ETL, or the pipeline of ETLs, with their etl_args.</summary>
    public EtlPipeline Pipeline => Transform.EffectivePipeline;

    /// <summary>The rule for one ETL; a bad field fails naming it, as a job's start does.</summary>
    public static FollowRule Create(string etl, string source, string destination, IReadOnlyDictionary<string, string>? ext,
        string? prepend, string? etlArgs, DateTimeOffset created) =>
        Create(etl, null, source, destination, ext, prepend, etlArgs, created);

    /// <summary>The rule for one ETL (<paramref name="etl"/>, <paramref name="etlArgs"/>) or a <paramref name="pipeline"/>, as a job names them.</summary>
    public static FollowRule Create(string? etl, EtlPipeline? pipeline, string source, string destination, IReadOnlyDictionary<string, string>? ext,
        string? prepend, string? etlArgs, DateTimeOffset created)
    {
        var rule = new FollowRule
        {
            Transform = new EtlJobRequest
            {
                Etl = pipeline is null ? etl ?? "" : null, Pipeline = pipeline, EtlArgs = pipeline is null ? etlArgs : null,
                SourceBucket = source, DestinationBucket = destination, ExtensionMap = ext ?? new Dictionary<string, string>(),
                Prepend = prepend ?? "", Mode = JobMode.Transform, Incremental = true, ContinueOnError = true,
            },
            Created = created,
        };
        rule.EnsureValid();
        return rule;
    }

    /// <summary>The job's one validation rule, plus: a rule may not write into its own source (it would feed itself forever).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = Transform.Problems().ToList();
        if (Transform.DestinationBucket is { } destination && destination == Transform.SourceBucket)
            problems.Add("to_bucket: the source bucket itself; a rule's outputs would be transformed again, forever");
        return problems;
    }

    public void EnsureValid()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new OaisException(OaisErrorCode.InvalidArgument, "invalid transform rule: " + string.Join("; ", problems));
    }
}

/// <summary>One rule's work on one node: what is queued, what was done, what failed, and how far behind it is.</summary>
[GenerateSerializer, Immutable, Alias("oais.FollowNodeStatus")]
public sealed class FollowNodeStatus
{
    /// <summary>How many failed objects a node lists per rule (the most recent ones).</summary>
    public const int MaxListedFailures = 20;

    [Id(0)] public required string RuleId { get; init; }
    [Id(1)] public required string NodeId { get; init; }
    /// <summary>Source objects whose transform (or derived delete) is queued or running.</summary>
    [Id(2)] public long Pending { get; init; }
    /// <summary>Destinations written.</summary>
    [Id(3)] public long Done { get; init; }
    /// <summary>Derived objects deleted because their source is gone.</summary>
    [Id(4)] public long Deleted { get; init; }
    [Id(5)] public long Failed { get; init; }
    /// <summary>Age of the oldest pending write, in seconds; 0 when nothing is pending.</summary>
    [Id(6)] public double LagSeconds { get; init; }
    [Id(7)] public IReadOnlyList<JobObjectError> Failures { get; init; } = [];
    /// <summary>When this node's last reconcile pass of the rule ended; null before the first.</summary>
    [Id(8)] public DateTimeOffset? LastReconcile { get; init; }
    /// <summary>Writes not queued because the queue was full (the next reconcile pass catches them up).</summary>
    [Id(9)] public long Overflowed { get; init; }
}
