using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansAis.Events;

/// <summary>
/// Puts this node's object, ETL and job events on their Orleans streams (<see cref="OaisStreams"/>) without making the
/// operation that caused them wait: events queue in memory and a few background senders publish them, each stream always
/// through the same sender so that its events keep their order. Events notify and may be lost (a full queue, a crash
/// before they are sent, the stream provider's own at-most-once delivery); nothing that must be right depends on them.
/// </summary>
public sealed partial class EventPublisher : ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    public const string MeterName = "OrleansAis.Events";
    // Enough for a burst of small writes while a stream's queue grain is slow; beyond it events are dropped and counted.
    private const int QueueCapacity = 10_000;
    private const int Senders = 4;

    private readonly IClusterClient _client;
    private readonly ILogger<EventPublisher> _log;
    private readonly Channel<PendingEvent>[] _queues;
    private readonly Counter<long> _published;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _failed;
    private readonly CancellationTokenSource _stopping = new();
    private Task[] _senders = [];

    public EventPublisher(IClusterClient client, ILogger<EventPublisher> log, IMeterFactory? meters = null)
    {
        _client = client;
        _log = log;
        _queues = Enumerable.Range(0, Senders)
            .Select(_ => Channel.CreateBounded<PendingEvent>(new BoundedChannelOptions(QueueCapacity / Senders)
            {
                FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true,
            }))
            .ToArray();
        var meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _published = meter.CreateCounter<long>("oais.events.published", "{event}", "Events put on their streams");
        _dropped = meter.CreateCounter<long>("oais.events.dropped", "{event}", "Events dropped because the queue was full");
        _failed = meter.CreateCounter<long>("oais.events.failed", "{event}", "Events the stream provider refused");
    }

    public void Publish(ObjectEvent e) => Enqueue(OaisStreams.Bucket(e.Bucket), e);

    public void Publish(EtlEvent e) => Enqueue(OaisStreams.Etl(e.Etl), e);

    public void Publish(JobEvent e) => Enqueue(OaisStreams.Job(e.JobId), e);

    /// <summary>
    /// Publishes <paramref name="e"/> after every event queued before it on the same stream, and returns once the stream
    /// provider took it: what the caller does next (e.g. end the job) is then seen after it. Never dropped for a full queue.
    /// </summary>
    public async Task PublishAndWaitAsync(JobEvent e, CancellationToken ct = default)
    {
        var stream = OaisStreams.Job(e.JobId);
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await QueueOf(stream).Writer.WriteAsync(new PendingEvent(stream, e, sent), ct);
        await sent.Task.WaitAsync(ct);
    }

    private void Enqueue(StreamId stream, object e)
    {
        if (!QueueOf(stream).Writer.TryWrite(new PendingEvent(stream, e, null))) _dropped.Add(1);
    }

    private Channel<PendingEvent> QueueOf(StreamId stream) => _queues[(int)((uint)stream.GetHashCode() % Senders)];

    public void Participate(ISiloLifecycle lifecycle) =>
        // Streams work once the silo is active; events raised before that wait in the queues.
        lifecycle.Subscribe(nameof(EventPublisher), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken ct)
    {
        var provider = _client.GetStreamProvider(OaisStreams.Provider);
        _senders = _queues.Select(q => Task.Run(() => SendAsync(provider, q.Reader))).ToArray();
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken ct)
    {
        // What is queued at shutdown gets until the silo's stop deadline to go out; then it is dropped.
        foreach (var queue in _queues) queue.Writer.TryComplete();
        await using var registration = ct.Register(_stopping.Cancel);
        await Task.WhenAll(_senders);
    }

    private async Task SendAsync(IStreamProvider provider, ChannelReader<PendingEvent> queue)
    {
        try
        {
            await foreach (var pending in queue.ReadAllAsync(_stopping.Token))
            {
                try
                {
                    await (pending.Event switch
                    {
                        ObjectEvent e => provider.GetStream<ObjectEvent>(pending.Stream).OnNextAsync(e),
                        EtlEvent e => provider.GetStream<EtlEvent>(pending.Stream).OnNextAsync(e),
                        JobEvent e => provider.GetStream<JobEvent>(pending.Stream).OnNextAsync(e),
                        _ => throw new InvalidOperationException($"not an event type: {pending.Event.GetType()}"),
                    });
                    _published.Add(1);
                    pending.Sent?.TrySetResult();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _failed.Add(1);
                    PublishFailed(e, pending.Stream.ToString());
                    pending.Sent?.TrySetException(e);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues) queue.Writer.TryComplete();
        _stopping.Cancel();
        await Task.WhenAll(_senders);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish an event on stream {Stream}")]
    private partial void PublishFailed(Exception e, string stream);

    private readonly record struct PendingEvent(StreamId Stream, object Event, TaskCompletionSource? Sent);
}
