using OrleansAis.Jobs;

namespace OrleansAis.Silo.Http.Jobs;

/// <summary>The JSON body of <c>POST /v1/jobs/etl</c> (snake_case; AIS names where AIS has them).</summary>
public sealed class JobBody
{
    public string? Etl { get; init; }
    public string? FromBucket { get; init; }
    public string? ToBucket { get; init; }
    public string? Prefix { get; init; }
    public List<string>? Names { get; init; }
    public string? Template { get; init; }
    /// <summary>Extension map, e.g. {"flac":"wav"}.</summary>
    public Dictionary<string, string>? Ext { get; init; }
    public string? Prepend { get; init; }
    public int? NumWorkers { get; init; }
    /// <summary>"transform" (default), "dry-run" or "inspect".</summary>
    public string? Mode { get; init; }
    public bool? DryRun { get; init; }
    public bool? ContinueOnError { get; init; }
    public bool? CreateDestination { get; init; }
    public bool? Incremental { get; init; }
    public string? EtlArgs { get; init; }

    public EtlJobRequest ToRequest()
    {
        var mode = (Mode?.ToLowerInvariant(), DryRun) switch
        {
            (_, true) or ("dry-run" or "dry_run" or "dryrun", _) => JobMode.DryRun,
            ("inspect", _) => JobMode.Inspect,
            (null or "" or "transform", _) => JobMode.Transform,
            _ => throw new OaisException(OaisErrorCode.InvalidArgument, $"mode: '{Mode}' is not transform, dry-run or inspect"),
        };
        var request = new EtlJobRequest
        {
            Etl = Etl ?? "", SourceBucket = FromBucket ?? "", DestinationBucket = ToBucket, Prefix = Prefix ?? "",
            Names = Names, Template = Template, ExtensionMap = Ext ?? [], Prepend = Prepend ?? "",
            NumWorkers = NumWorkers ?? EtlJobRequest.AutoWorkers, Mode = mode, ContinueOnError = ContinueOnError ?? false,
            CreateDestination = CreateDestination ?? false, Incremental = Incremental ?? false, EtlArgs = EtlArgs,
        };
        request.EnsureValid();
        return request;
    }
}
