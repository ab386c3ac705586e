using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OrleansAis.Events;
using OrleansAis.Jobs;

namespace OrleansAis.Client.Events;

/// <summary>
/// A job's events as they arrive, ending with its final state, whichever transport delivers them. The end never depends
/// on the last event arriving: when the events stay quiet for <see cref="QuietCheck"/> (or their stream ended or broke)
/// the job's status is read, and a finished job ends the sequence with its final state, rebuilt from that status.
/// </summary>
internal static class JobEventFollower
{
    /// <summary>How long a job's events may stay quiet before its status is read (nodes report about once a second).</summary>
    public static readonly TimeSpan QuietCheck = TimeSpan.FromSeconds(5);

    /// <param name="events">The job's events; completed when their stream ends, faulted when it breaks.</param>
    /// <param name="status">The job's status; <c>true</c> asks for a long poll (no events to wait for any more).</param>
    public static async IAsyncEnumerable<JobEvent> FollowAsync(ChannelReader<JobEvent> events, Func<bool, CancellationToken, Task<EtlJobStatus>> status,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var streamOver = false;
        while (true)
        {
            JobEvent? next = null;
            if (!streamOver)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
                quiet.CancelAfter(QuietCheck);
                try
                {
                    if (await events.WaitToReadAsync(quiet.Token)) events.TryRead(out next);
                    else streamOver = true;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // quiet for a while: the status decides whether it is over
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    streamOver = true; // the stream broke: the status, long polled, decides from here on
                }
            }
            next ??= JobEvent.FinalOf(await status(streamOver, ct));
            if (next is null) continue;
            yield return next;
            if (next.IsFinal) yield break;
        }
    }
}
