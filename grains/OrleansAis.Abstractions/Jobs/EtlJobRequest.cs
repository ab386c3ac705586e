using OrleansAis.Etl;
using OrleansAis.Naming;

namespace OrleansAis.Jobs;

public enum JobMode
{
    /// <summary>Transform and write every selected object to the destination bucket.</summary>
    Transform = 0,
    /// <summary>Count the objects and bytes a transform would read; write nothing.</summary>
    DryRun = 1,
    /// <summary>Run the ETL on every selected object, keep nothing, report per-object errors.</summary>
    Inspect = 2,
}

/// <summary>
/// An offline (bucket-to-bucket or multi-object) transform. Objects are selected by prefix, by list or by template;
/// destination names come from the extension map and prepend. <see cref="Problems"/> is its one validation rule.
/// </summary>
[GenerateSerializer, Immutable, Alias("oais.EtlJobRequest")]
public sealed class EtlJobRequest
{
    public const int MaxWorkers = 64;

    /// <summary>num_workers 0 (the default): <see cref="WorkersFor"/> this silo's cores.</summary>
    public const int AutoWorkers = 0;

    /// <summary>
    /// The default parallelism of a silo with <paramref name="cores"/> cores: four objects per core. A transform waits on
    /// the transformer, the disk (two fsyncs per result) and the network more than it computes, so one per core
    /// leaves the cores idle; the transformer's own concurrency limit bounds what runs at once.
    /// </summary>
    public static int WorkersFor(int cores) => Math.Clamp(4 * cores, 4, MaxWorkers);

    /// <summary>The parallelism on a silo with <paramref name="cores"/> cores.</summary>
    public int EffectiveWorkers(int cores) => NumWorkers == AutoWorkers ? WorkersFor(cores) : NumWorkers;

    /// <summary>The ETL of a one-stage job; exactly one of this and <see cref="Pipeline"/>.</summary>
    [Id(0)] public string? Etl { get; init; }
    [Id(1)] public required string SourceBucket { get; init; }
    /// <summary>Required for <see cref="JobMode.Transform"/>; ignored otherwise.</summary>
    [Id(2)] public string? DestinationBucket { get; init; }
    [Id(3)] public string Prefix { get; init; } = "";
    /// <summary>Explicit object names (instead of a prefix).</summary>
    [Id(4)] public IReadOnlyList<string>? Names { get; init; }
    /// <summary>A name template such as <c>shard-{0001..0999}.tar</c> or <c>img-{0..100..5}.jpg</c> (instead of a prefix).</summary>
    [Id(5)] public string? Template { get; init; }
    /// <summary>Extension renames, e.g. flac -> wav turns <c>a.flac</c> into <c>a.wav</c>.</summary>
    [Id(6)] public IReadOnlyDictionary<string, string> ExtensionMap { get; init; } = new Dictionary<string, string>();
    [Id(7)] public string Prepend { get; init; } = "";
    /// <summary>Objects transformed at once on each silo; <see cref="AutoWorkers"/>: each silo sizes it from its cores.</summary>
    [Id(8)] public int NumWorkers { get; init; } = AutoWorkers;
    [Id(9)] public JobMode Mode { get; init; } = JobMode.Transform;
    [Id(10)] public bool ContinueOnError { get; init; }
    [Id(11)] public bool CreateDestination { get; init; }
    /// <summary>Skip objects whose destination was already produced by this ETL from the same source version.</summary>
    [Id(12)] public bool Incremental { get; init; }
    /// <summary>With <see cref="Etl"/>: its etl_args (a pipeline's stages carry their own).</summary>
    [Id(13)] public string? EtlArgs { get; init; }
    /// <summary>ETLs applied in order to every object (instead of <see cref="Etl"/>).</summary>
    [Id(14)] public EtlPipeline? Pipeline { get; init; }

    /// <summary>What runs on every object: <see cref="Pipeline"/>, or <see cref="Etl"/> as a pipeline of one stage.</summary>
    public EtlPipeline EffectivePipeline => Pipeline ?? EtlPipeline.Single(Etl ?? "", EtlArgs);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if ((Etl is null) == (Pipeline is null)) problems.Add("etl: give exactly one of etl and pipeline");
        else if (Pipeline is not null)
        {
            problems.AddRange(Pipeline.Problems());
            if (EtlArgs is not null) problems.Add("etl_args: a pipeline's stages carry their own etl_args");
        }
        else if (EtlSpec.NameProblem(Etl) is { } etl) problems.Add("etl " + etl);
        if (Naming.Names.BucketNameProblem(SourceBucket) is { } source) problems.Add("source " + source);
        if (Mode == JobMode.Transform)
        {
            if (DestinationBucket is null) problems.Add("destination bucket: required for a transform");
            else if (Naming.Names.BucketNameProblem(DestinationBucket) is { } destination) problems.Add("destination " + destination);
        }
        var selectors = (Prefix.Length > 0 ? 1 : 0) + (this.Names is not null ? 1 : 0) + (Template is not null ? 1 : 0);
        if (selectors > 1) problems.Add("selection: give at most one of prefix, list and template");
        if (this.Names is { Count: 0 }) problems.Add("list: is empty");
        foreach (var name in this.Names ?? []) if (Naming.Names.ObjectNameProblem(name) is { } p) problems.Add("list: " + p);
        if (Template is not null && NameTemplate.Problem(Template) is { } t) problems.Add("template: " + t);
        if (NumWorkers is < AutoWorkers or > MaxWorkers) problems.Add($"num_workers: {NumWorkers} is not 1..{MaxWorkers} (or 0, sized from each silo's cores)");
        foreach (var (from, to) in ExtensionMap)
        {
            if (from.Length == 0 || to.Length == 0 || from.Contains('.') || to.Contains('.') || from.Contains('/') || to.Contains('/'))
                problems.Add($"ext: '{from}:{to}' must map one extension (no dots or slashes) to another");
        }
        if (Prepend.Contains('\0') || Prepend.StartsWith('/')) problems.Add("prepend: must not start with '/' or contain NUL");
        if (Mode == JobMode.Transform && DestinationBucket == SourceBucket && Prepend.Length == 0 && ExtensionMap.Count == 0)
            problems.Add("destination: same as the source with no rename would overwrite the inputs");
        return problems;
    }

    public void EnsureValid()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new OaisException(OaisErrorCode.InvalidArgument, "invalid job: " + string.Join("; ", problems));
    }

    /// <summary>The destination name of a source object: extension map, then prepend.</summary>
    public string DestinationName(string source)
    {
        var name = source;
        var slash = name.LastIndexOf('/');
        var dot = name.LastIndexOf('.');
        if (dot > slash + 1 && ExtensionMap.TryGetValue(name[(dot + 1)..], out var ext)) name = name[..(dot + 1)] + ext;
        return Prepend + name;
    }
}
