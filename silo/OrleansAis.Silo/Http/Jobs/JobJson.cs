using OrleansAis.Etl;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;

namespace OrleansAis.Silo.Http.Jobs;

/// <summary>Jobs as the contract's documents, and the start request as the grains take it.</summary>
public static class JobJson
{
    public static JobSummaryDto Summary(EtlJobStatus s) => new(
        s.Id, s.State.ToString(), s.Request.EffectivePipeline.Name, s.Request.Mode.ToString(), s.Request.SourceBucket, s.Request.DestinationBucket,
        s.Objects, s.ErrorCount, s.Started, s.Finished);

    public static JobDetailsDto Details(EtlJobStatus s, string? degraded = null) => new(
        s.Id, s.State.ToString(), s.Reason, s.Started, s.Finished,
        new JobRequestDto(s.Request.EffectivePipeline.Name, s.Request.SourceBucket, s.Request.DestinationBucket, s.Request.Prefix, s.Request.Names,
            s.Request.Template, s.Request.ExtensionMap, s.Request.Prepend, s.Request.NumWorkers, s.Request.Mode.ToString(),
            s.Request.ContinueOnError, s.Request.Incremental, s.Request.EtlArgs,
            s.Request.Pipeline?.Stages.Select(stage => new JobPipelineStageDto(stage.Etl, stage.EtlArgs)).ToList()),
        s.Objects, s.BytesIn, s.BytesOut, s.Skipped, s.ErrorCount,
        s.Nodes.Select(n => new JobNodeDto(n.NodeId, n.Unreachable ? JobNodeDto.Unreachable : n.State.ToString(), n.Objects, n.BytesIn, n.BytesOut, n.Skipped, n.ErrorCount,
            n.Errors.Select(e => new JobObjectErrorDto(e.Name, e.Message)).ToList(), n.Elapsed.TotalSeconds, n.Message, n.TotalObjects, n.TotalBytes,
            n.Resumed)).ToList(),
        degraded, s.TotalObjects, s.TotalBytes);

    /// <summary>The request with the server's defaults filled in; a bad field fails naming it.</summary>
    public static EtlJobRequest ToRequest(JobStartRequest body)
    {
        var mode = (body.Mode?.ToLowerInvariant(), body.DryRun) switch
        {
            (_, true) or ("dry-run" or "dry_run" or "dryrun", _) => JobMode.DryRun,
            ("inspect", _) => JobMode.Inspect,
            (null or "" or "transform", _) => JobMode.Transform,
            _ => throw new OaisException(OaisErrorCode.InvalidArgument, $"mode: '{body.Mode}' is not transform, dry-run or inspect"),
        };
        var pipeline = EtlPipeline.FromRequest(body.Etl, body.EtlArgs, body.Pipeline, body.PipelineArgs);
        var request = new EtlJobRequest
        {
            Etl = pipeline is null ? body.Etl ?? "" : null, Pipeline = pipeline, SourceBucket = body.FromBucket ?? "", DestinationBucket = body.ToBucket, Prefix = body.Prefix ?? "",
            Names = body.Names, Template = body.Template, ExtensionMap = body.Ext ?? new Dictionary<string, string>(),
            Prepend = body.Prepend ?? "", NumWorkers = body.NumWorkers ?? EtlJobRequest.AutoWorkers, Mode = mode, ContinueOnError = body.ContinueOnError ?? false,
            CreateDestination = body.CreateDestination ?? false, Incremental = body.Incremental ?? false,
            EtlArgs = pipeline is null ? body.EtlArgs : null,
        };
        request.EnsureValid();
        return request;
    }
}
