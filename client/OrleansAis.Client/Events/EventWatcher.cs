using System.Runtime.CompilerServices;
using Orleans.Streams;
using OrleansAis.Events;
using OrleansAis.Grains;

namespace OrleansAis.Client.Events;

/// <summary>
/// Follows the cluster's event streams (docs/EVENTS.md) from an Orleans client. <c>Subscribe...</c> returns once the
/// subscription is in place, so every later event reaches it; <c>Watch...</c> subscribes when enumeration starts. Events
/// from before the subscription are not replayed. The client's builder needs
/// <see cref="OaisClientBuilderExtensions.AddOaisEvents"/>.
/// </summary>
public sealed class EventWatcher(IClusterClient client)
{
    /// <summary>How long a job's stream may stay quiet before its status is asked directly (its end may have been lost).</summary>
    public static readonly TimeSpan JobStatusCheck = JobEventFollower.QuietCheck;

    private IStreamProvider Provider
    {
        get
        {
            try
            {
                return client.GetStreamProvider(OaisStreams.Provider);
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException)
            {
                throw new OaisException(OaisErrorCode.Unavailable,
                    $"this Orleans client cannot follow events: add .AddOaisEvents() to its client builder ({e.Message})");
            }
        }
    }

    /// <summary>Objects created, overwritten and deleted in <paramref name="bucket"/>, from the moment this returns.</summary>
    public Task<EventSubscription<ObjectEvent>> SubscribeBucketAsync(string bucket) =>
        EventSubscription<ObjectEvent>.StartAsync(Provider.GetStream<ObjectEvent>(OaisStreams.Bucket(bucket)));

    /// <summary>Stage changes and restarts of the ETL on every node, from the moment this returns.</summary>
    public Task<EventSubscription<EtlEvent>> SubscribeEtlAsync(string etl) =>
        EventSubscription<EtlEvent>.StartAsync(Provider.GetStream<EtlEvent>(OaisStreams.Etl(etl)));

    public async IAsyncEnumerable<ObjectEvent> WatchBucketAsync(string bucket, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var subscription = await SubscribeBucketAsync(bucket);
        await foreach (var e in subscription.ReadAllAsync(ct)) yield return e;
    }

    public async IAsyncEnumerable<EtlEvent> WatchEtlAsync(string etl, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var subscription = await SubscribeEtlAsync(etl);
        await foreach (var e in subscription.ReadAllAsync(ct)) yield return e;
    }

    /// <summary>
    /// The job's progress per node and its state changes, ending with its final state. The end does not depend on the
    /// last event arriving: the job's status is read right after subscribing and whenever the stream stays quiet, and a
    /// finished job ends the sequence with its final state.
    /// </summary>
    public async IAsyncEnumerable<JobEvent> WatchJobAsync(string jobId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var job = client.GetGrain<IEtlJobGrain>(jobId);
        await using var subscription = await EventSubscription<JobEvent>.StartAsync(Provider.GetStream<JobEvent>(OaisStreams.Job(jobId)));
        if (JobEvent.FinalOf(await job.Status().WaitAsync(ct)) is { } ended)
        {
            yield return ended;
            yield break;
        }
        await foreach (var e in JobEventFollower.FollowAsync(subscription.Reader, (_, token) => job.Status().WaitAsync(token), ct)) yield return e;
    }
}
