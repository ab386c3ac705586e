using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Streams;

namespace OrleansAis.Client.Events;

/// <summary>One live subscription to an event stream; disposing it unsubscribes. Events wait here until read.</summary>
public sealed class EventSubscription<T> : IAsyncDisposable where T : class
{
    private readonly Channel<T> _arrived = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private StreamSubscriptionHandle<T>? _handle;

    private EventSubscription() { }

    internal static async Task<EventSubscription<T>> StartAsync(IAsyncStream<T> stream)
    {
        var subscription = new EventSubscription<T>();
        subscription._handle = await stream.SubscribeAsync((e, _) =>
        {
            subscription._arrived.Writer.TryWrite(e);
            return Task.CompletedTask;
        });
        return subscription;
    }

    /// <summary>The events that arrived and were not read yet.</summary>
    internal ChannelReader<T> Reader => _arrived.Reader;

    /// <summary>Every event, as it arrives, until cancelled.</summary>
    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        while (true) yield return await _arrived.Reader.ReadAsync(ct);
    }

    /// <summary>The next event, or null when none arrives within <paramref name="quiet"/>.</summary>
    public async Task<T?> NextAsync(TimeSpan quiet, CancellationToken ct = default)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(quiet);
        try
        {
            return await _arrived.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _arrived.Writer.TryComplete();
        if (_handle is { } handle) await handle.UnsubscribeAsync();
        _handle = null;
    }
}
