using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Orleans.Streams;
using OrleansAis.Buckets;
using OrleansAis.Events;
using OrleansAis.Grains;
using OrleansAis.Http.Contracts;
using OrleansAis.Naming;
using EtlSpec = OrleansAis.Etl.EtlSpec;

namespace OrleansAis.Silo.Http.Events;

/// <summary>
/// <c>GET /v1/events?bucket=B</c> (or <c>etl=NAME</c>, <c>job=ID</c>): the subject's Orleans stream as server-sent events,
/// for clients that are not .NET. The connection subscribes when it opens and unsubscribes when it closes; events that
/// happened before it opened are not replayed (docs/EVENTS.md).
/// </summary>
public static class EventEndpoints
{
    // A comment line this often keeps proxies and idle timeouts from closing a quiet stream.
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    // Events waiting for a slow reader; beyond this the oldest are dropped and a "lost" event says how many.
    private const int Backlog = 10_000;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGroup("").AddEndpointFilter<OaisErrorFilter>().MapGet(OaisRoutes.Events, Follow);

    private static async Task<IResult> Follow(HttpContext context, IClusterClient client, BucketCatalog buckets, IGrainFactory grains)
    {
        var query = context.Request.Query;
        var subjects = new[] { OaisQuery.Bucket, OaisQuery.Etl, OaisQuery.Job }.Where(k => query.ContainsKey(k)).ToList();
        if (subjects.Count != 1)
            return AisJson.Error(OaisErrorCode.InvalidArgument, $"events: give exactly one of {OaisQuery.Bucket}=, {OaisQuery.Etl}= or {OaisQuery.Job}=");
        var value = query[subjects[0]].ToString();
        var provider = client.GetStreamProvider(OaisStreams.Provider);
        switch (subjects[0])
        {
            case OaisQuery.Bucket:
                Names.EnsureValidBucketName(value);
                await buckets.Require(value);
                await StreamAsync(context, provider.GetStream<ObjectEvent>(OaisStreams.Bucket(value)), e => (EventJson.KindOf(e.Kind), Serialize(EventJson.ToDto(e))), _ => false, null);
                break;
            case OaisQuery.Etl:
                EtlSpec.EnsureValidName(value);
                await StreamAsync(context, provider.GetStream<EtlEvent>(OaisStreams.Etl(value)), e => (EventJson.KindOf(e.Kind), Serialize(EventJson.ToDto(e))), _ => false, null);
                break;
            default:
                var job = grains.GetGrain<IEtlJobGrain>(value);
                await job.Status(); // 404 JobNotFound for a job that does not exist
                // A job's stream ends with its final state; so does the response. A job that ended before the
                // subscription was in place gets its final state from its status instead.
                await StreamAsync(context, provider.GetStream<JobEvent>(OaisStreams.Job(value)), e => (EventJson.KindOf(e.Kind), Serialize(EventJson.ToDto(e))), e => e.IsFinal,
                    async () => JobEvent.FinalOf(await job.Status()));
                break;
        }
        return Results.Empty;
    }

    private static string Serialize<T>(T document) => JsonSerializer.Serialize(document, OaisJson.Options);

    /// <summary>
    /// Subscribes, then writes every event that arrives until the client goes away or <paramref name="isLast"/> holds.
    /// <paramref name="alreadyOver"/>, right after subscribing, may return a last event that already happened.
    /// </summary>
    private static async Task StreamAsync<T>(HttpContext context, IAsyncStream<T> stream, Func<T, (string Kind, string Json)> format, Func<T, bool> isLast,
        Func<Task<T?>>? alreadyOver) where T : class
    {
        var ct = context.RequestAborted;
        long dropped = 0;
        var pending = Channel.CreateBounded<T>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref dropped));
        var handle = await stream.SubscribeAsync((e, _) =>
        {
            pending.Writer.TryWrite(e);
            return Task.CompletedTask;
        });
        try
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no"; // nginx in front must not hold events back
            await WriteEventAsync(response, OaisEventKinds.Subscribed, "{}", ct);
            if (alreadyOver is not null && await alreadyOver() is { } over)
            {
                var (overKind, overJson) = format(over);
                await WriteEventAsync(response, overKind, overJson, ct);
                return;
            }
            long reported = 0;
            while (!ct.IsCancellationRequested)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
                quiet.CancelAfter(KeepAlive);
                T next;
                try
                {
                    next = await pending.Reader.ReadAsync(quiet.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }
                var lost = Interlocked.Read(ref dropped);
                if (lost > reported)
                {
                    await WriteEventAsync(response, OaisEventKinds.Lost, Serialize(new EventsLostDto(lost - reported)), ct);
                    reported = lost;
                }
                var (kind, json) = format(next);
                await WriteEventAsync(response, kind, json, ct);
                if (isLast(next)) break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the client went away
        }
        finally
        {
            try
            {
                await handle.UnsubscribeAsync();
            }
            catch (Exception)
            {
                // the silo is stopping, or the stream's pub/sub state is unreachable: the subscription goes with them
            }
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, string kind, string json, CancellationToken ct)
    {
        await response.WriteAsync($"event: {kind}\ndata: {json}\n\n", Encoding.UTF8, ct);
        await response.Body.FlushAsync(ct);
    }
}
