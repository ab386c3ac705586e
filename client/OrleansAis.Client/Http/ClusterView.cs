using Microsoft.Extensions.Logging;

namespace OrleansAis.Client.Http;

/// <summary>
/// The client's current <see cref="NodeView"/>: loaded on first use, reloaded in the background once it is older than
/// the refresh interval (membership changes show up within it) and at once when a node answers "not mine" (a
/// redirect) or cannot be reached. Loads never overlap; callers keep using the last view meanwhile, since a stale guess
/// costs one redirect, never a wrong answer.
/// </summary>
internal sealed partial class ClusterView(Func<CancellationToken, Task<IReadOnlyList<NodeStats>>> load, TimeSpan refreshInterval,
    TimeProvider time, ILogger log)
{
    private readonly Lock _gate = new();
    private NodeView? _current;
    private long _loadedAt;
    private long _version;
    private Task<NodeView>? _loading;
    private long _ownersChangedAt;

    /// <summary>
    /// True when a load within <paramref name="window"/> found other owning nodes than the one before: objects are
    /// moving between nodes, and one may be missing on both for a moment.
    /// </summary>
    public bool OwnersChangedWithin(TimeSpan window)
    {
        var changed = Volatile.Read(ref _ownersChangedAt);
        return changed != 0 && time.GetElapsedTime(changed) < window;
    }

    /// <summary>The last view (loading the first); starts a reload when it is older than the refresh interval.</summary>
    public ValueTask<NodeView> CurrentAsync(CancellationToken ct)
    {
        var current = Volatile.Read(ref _current);
        if (current is null) return new ValueTask<NodeView>(RefreshAsync(ct));
        if (time.GetElapsedTime(Volatile.Read(ref _loadedAt)) > refreshInterval) _ = Reload();
        return new ValueTask<NodeView>(current);
    }

    /// <summary>A view no older than the refresh interval: the last one, or a new load awaited.</summary>
    public async ValueTask<NodeView> FreshAsync(CancellationToken ct)
    {
        var current = Volatile.Read(ref _current);
        return current is not null && time.GetElapsedTime(Volatile.Read(ref _loadedAt)) <= refreshInterval ? current : await RefreshAsync(ct);
    }

    /// <summary>The view most recently loaded, or null before the first load.</summary>
    public NodeView? Last => Volatile.Read(ref _current);

    /// <summary>A node said the request is not its own: the view is out of date, load a new one in the background.</summary>
    public void Stale() => _ = Reload();

    /// <summary>Loads a new view (joining a load under way) and returns it.</summary>
    public Task<NodeView> RefreshAsync(CancellationToken ct) => Reload().WaitAsync(ct);

    private Task<NodeView> Reload()
    {
        lock (_gate)
        {
            if (_loading is { IsCompleted: false } loading) return loading;
            return _loading = LoadAsync();
        }
    }

    private async Task<NodeView> LoadAsync()
    {
        try
        {
            var nodes = await load(CancellationToken.None);
            var view = new NodeView(nodes, Interlocked.Increment(ref _version));
            if (Volatile.Read(ref _current) is { } previous && !previous.Owners.Select(n => n.NodeId).Order(StringComparer.Ordinal)
                    .SequenceEqual(view.Owners.Select(n => n.NodeId).Order(StringComparer.Ordinal)))
                Volatile.Write(ref _ownersChangedAt, time.GetTimestamp());
            Volatile.Write(ref _current, view);
            Volatile.Write(ref _loadedAt, time.GetTimestamp());
            LogLoaded(log, view.Version, view.Nodes.Count, view.Owners.Count);
            return view;
        }
        catch (Exception e)
        {
            LogLoadFailed(log, e.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cluster view {Version}: {Nodes} nodes, {Owners} owning objects")]
    private static partial void LogLoaded(ILogger log, long version, int nodes, int owners);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the cluster's node list: {Error}")]
    private static partial void LogLoadFailed(ILogger log, string error);
}
