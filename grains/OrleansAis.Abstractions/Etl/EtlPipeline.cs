using OrleansAis.Http.Contracts;

namespace OrleansAis.Etl;

/// <summary>One stage of an <see cref="EtlPipeline"/>: an ETL and the etl_args it gets with every object.</summary>
[GenerateSerializer, Immutable, Alias("oais.EtlPipelineStage")]
public sealed record EtlPipelineStage
{
    [Id(0)] public required string Etl { get; init; }
    [Id(1)] public string? EtlArgs { get; init; }
}

/// <summary>
/// ETLs applied in order on the object's owner, the output of one the input of the next (AIStore's <c>a&gt;&gt;b&gt;&gt;c</c>).
/// A single ETL is a pipeline of one stage. <see cref="Create"/> and <see cref="Parse"/> are the one way to build one from
/// user input; <see cref="Problems"/> its one validation rule (ETL names valid, 1 to <see cref="MaxStages"/> stages).
/// </summary>
[GenerateSerializer, Immutable, Alias("oais.EtlPipeline")]
public sealed record EtlPipeline
{
    /// <summary>Each stage holds a transformer request and a pipe's buffer while the object streams through.</summary>
    public const int MaxStages = 8;

    [Id(0)] public required IReadOnlyList<EtlPipelineStage> Stages { get; init; }

    public int Count => Stages.Count;

    public EtlPipelineStage Last => Stages[^1];

    /// <summary>The stages as AIStore spells them, <c>a&gt;&gt;b&gt;&gt;c</c> (a single ETL: its name).</summary>
    public string Name => EtlPipelineSpelling.Join(Stages.Select(s => s.Etl));

    public static EtlPipeline Single(string etl, string? etlArgs) =>
        new() { Stages = [new EtlPipelineStage { Etl = etl, EtlArgs = NullIfEmpty(etlArgs) }] };

    /// <summary>
    /// Stages from <paramref name="etls"/>, with <paramref name="etlArgs"/>: none; one value, which every stage gets (as
    /// AIStore forwards etl_args across stages); or one per stage, in order ("" for none). Fails with a 400 naming the problem.
    /// </summary>
    public static EtlPipeline Create(IReadOnlyList<string> etls, IReadOnlyList<string?>? etlArgs)
    {
        etlArgs ??= [];
        if (etlArgs.Count > 1 && etlArgs.Count != etls.Count)
            throw new OaisException(OaisErrorCode.InvalidArgument,
                $"etl_args: {etlArgs.Count} values for {etls.Count} pipeline stages; give one per stage, or one for all");
        var pipeline = new EtlPipeline
        {
            Stages = etls.Select((etl, i) => new EtlPipelineStage
            {
                Etl = etl, EtlArgs = NullIfEmpty(etlArgs.Count == 0 ? null : etlArgs[etlArgs.Count == 1 ? 0 : i]),
            }).ToList(),
        };
        pipeline.EnsureValid();
        return pipeline;
    }

    /// <summary>
    /// The request fields of a job or a follow rule: <c>pipeline</c> with <c>pipeline_args</c> (one per stage) or
    /// <c>etl_args</c> (for every stage); null when the request names one ETL in <c>etl</c>. Fails with a 400 on a mix.
    /// </summary>
    public static EtlPipeline? FromRequest(string? etl, string? etlArgs, IReadOnlyList<string>? stages, IReadOnlyList<string?>? pipelineArgs)
    {
        if (stages is null)
        {
            return pipelineArgs is null ? null
                : throw new OaisException(OaisErrorCode.InvalidArgument, "pipeline_args: only with pipeline (a one-ETL request takes etl_args)");
        }
        if (etl is not null) throw new OaisException(OaisErrorCode.InvalidArgument, "etl, pipeline: give exactly one of them");
        if (etlArgs is not null && pipelineArgs is not null)
            throw new OaisException(OaisErrorCode.InvalidArgument, "etl_args, pipeline_args: give args for every stage or one per stage, not both");
        IReadOnlyList<string?>? forEveryStage = etlArgs is null ? null : [etlArgs];
        return Create(stages, pipelineArgs ?? forEveryStage);
    }

    /// <summary><c>a,b,c</c> or <c>a&gt;&gt;b&gt;&gt;c</c>, with etl_args as in <see cref="Create"/>.</summary>
    public static EtlPipeline Parse(string spelling, IReadOnlyList<string?>? etlArgs) => Create(EtlPipelineSpelling.Split(spelling), etlArgs);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Stages.Count is 0 or > MaxStages) problems.Add($"pipeline: {Stages.Count} stages; a pipeline has 1 to {MaxStages}");
        for (var i = 0; i < Stages.Count; i++)
        {
            if (EtlSpec.NameProblem(Stages[i].Etl) is { } problem) problems.Add($"{StageLabel(i)}: {problem}");
        }
        return problems;
    }

    public void EnsureValid()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new OaisException(OaisErrorCode.InvalidArgument, "invalid ETL pipeline: " + string.Join("; ", problems));
    }

    /// <summary>How errors name a stage: <c>stage 2 of 3 (ETL 'b')</c>; a single ETL is just <c>ETL 'a'</c>.</summary>
    public string Describe(int stage) => Stages.Count == 1 ? $"ETL '{Stages[0].Etl}'" : $"{StageLabel(stage)} (ETL '{Stages[stage].Etl}')";

    /// <summary>
    /// What a result records as its producer (with the source version, in <c>oais.etl.source</c>): every stage and its
    /// args, so that a changed pipeline produces again. One stage gives <c>etl|args</c>, as single-ETL jobs always did.
    /// </summary>
    public string ProducerMarker => Name + "|" + string.Join(EtlPipelineSpelling.AisSeparator, Stages.Select(s => s.EtlArgs));

    private string StageLabel(int stage) => $"stage {stage + 1} of {Stages.Count}";

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
