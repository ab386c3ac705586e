using OrleansAis.Etl;
using Microsoft.AspNetCore.Mvc;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;
using OrleansAis.Ownership;
using OrleansAis.Status;

namespace OrleansAis.Silo.Http.Jobs;

/// <summary>
/// Offline ETL: <c>POST /v1/jobs/etl</c> starts a bucket-to-bucket, list or template transform (or a dry run, or an
/// inspect) and returns its id; <c>GET /v1/jobs[/{id}[?wait=SECONDS]]</c>, <c>POST /v1/jobs/{id}/abort</c>;
/// <c>POST /v1/etl/{name}/copy</c> copy-transforms one object.
/// </summary>
public static class JobEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    public static void Map(IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("").AddEndpointFilter<OaisErrorFilter>();
        jobs.MapPost(OaisRoutes.StartEtlJob, Start);
        jobs.MapGet(OaisRoutes.Jobs, async (StatusReader status) =>
        {
            var read = await status.Jobs();
            return AisJson.Json(new JobListDto(read.Value.Select(JobJson.Summary).ToList(), read.Degraded));
        });
        jobs.MapGet(OaisRoutes.Job, Status);
        jobs.MapPost(OaisRoutes.JobAbort, async (string id, IGrainFactory grains) =>
            AisJson.Json(JobJson.Details(await grains.GetGrain<IEtlJobGrain>(id).Abort("aborted by user"))));

        jobs.MapPost(OaisRoutes.EtlCopy, Copy);
    }

    private static async Task<IResult> Start(HttpRequest request, IGrainFactory grains)
    {
        var body = await AisJson.ReadBodyAsync<JobStartRequest>(request, "a job object such as {\"etl\":...,\"from_bucket\":...}");
        var id = "job-" + Guid.NewGuid().ToString("N")[..12];
        var status = await grains.GetGrain<IEtlJobGrain>(id).Start(JobJson.ToRequest(body));
        return AisJson.Json(JobJson.Details(status), StatusCodes.Status202Accepted);
    }

    /// <summary>With <c>wait</c>, answers when the job is no longer running or the wait is over (long poll).</summary>
    private static async Task<IResult> Status(string id, [FromQuery(Name = OaisQuery.Wait)] double? wait, StatusReader reader, HttpContext context)
    {
        var read = await reader.Job(id);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(Math.Clamp(wait ?? 0, 0, MaxWait.TotalSeconds));
        while (read.Value.State == JobState.Running && DateTime.UtcNow < deadline && !context.RequestAborted.IsCancellationRequested)
        {
            await Task.Delay(250, context.RequestAborted);
            read = await reader.Job(id);
        }
        return AisJson.Json(JobJson.Details(read.Value, read.Degraded));
    }

    private static async Task<IResult> Copy(string name, HttpRequest request, IGrainFactory grains)
    {
        var body = await AisJson.ReadBodyAsync<EtlCopyRequest>(request, "{\"from\":\"bucket/object\",\"to\":\"bucket/object\"}");
        EtlSpec.EnsureValidName(name);
        var (srcBucket, srcName) = ObjectKey.Parse(body.From ?? throw Missing("from"));
        var (dstBucket, dstName) = ObjectKey.Parse(body.To ?? throw Missing("to"));
        var owner = await grains.GetGrain<IObjectGrain>(ObjectKey.Validated(srcBucket, srcName)).Locate();
        var bytes = await grains.GetGrain<IJobNodeGrain>(owner.NodeId).Copy(name, srcBucket, srcName, dstBucket, dstName, body.EtlArgs);
        return AisJson.Json(new EtlCopyResultDto(body.From, body.To, name, bytes, owner.NodeId));
    }

    private static OaisException Missing(string field) => new(OaisErrorCode.InvalidArgument, $"{field}: required (bucket/object)");
}
