using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OrleansAis.Jobs;

namespace OrleansAis.Follow;

/// <summary>One source object of one rule to bring up to date.</summary>
public readonly record struct FollowWork(string RuleId, string Name);

/// <summary>
/// The node's queue of source objects to transform (or whose derived object to delete), bounded and coalescing: an
/// object is in it at most once, so a burst of overwrites of one name costs one transform of its newest version. An
/// object written again while its transform runs goes through once more after it, so its last write is never missed.
/// Adding never blocks: a write that finds the queue full is counted and left to the reconcile pass.
/// </summary>
public sealed class FollowQueue(IOptions<FollowOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<FollowWork, Entry> _entries = [];
    private readonly Channel<FollowWork> _ready = Channel.CreateUnbounded<FollowWork>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly ConcurrentDictionary<string, RuleCounters> _counters = new(StringComparer.Ordinal);
    private readonly int _capacity = options.Value.QueueCapacity;
    private int _overflowed;

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    /// <summary>True once since the last call when some write found the queue full.</summary>
    public bool TakeOverflow() => Interlocked.Exchange(ref _overflowed, 0) == 1;

    /// <summary>Queues the object (from a write: <paramref name="written"/> is when it committed); false when the queue is full.</summary>
    public bool Add(FollowWork work, bool fromWrite)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(work, out var entry))
            {
                if (entry.Running) entry.Again ??= now;
                entry.FromWrite |= fromWrite;
                return true;
            }
            if (_entries.Count >= _capacity)
            {
                Interlocked.Exchange(ref _overflowed, 1);
                CountersOf(work.RuleId).Overflow();
                return false;
            }
            _entries[work] = new Entry(now) { FromWrite = fromWrite };
        }
        _ready.Writer.TryWrite(work);
        return true;
    }

    public IAsyncEnumerable<FollowWork> ReadAllAsync(CancellationToken ct) => _ready.Reader.ReadAllAsync(ct);

    /// <summary>A worker took the object; true when the newest write of it happened here (its copy here is the latest).</summary>
    public bool Start(FollowWork work)
    {
        lock (_lock)
        {
            var entry = _entries[work];
            entry.Running = true;
            var fromWrite = entry.FromWrite;
            entry.FromWrite = false;
            return fromWrite;
        }
    }

    /// <summary>The worker is done with the object; written again meanwhile, it goes through once more.</summary>
    public void Finish(FollowWork work)
    {
        lock (_lock)
        {
            var entry = _entries[work];
            if (entry.Again is not { } again)
            {
                _entries.Remove(work);
                return;
            }
            _entries[work] = new Entry(again) { FromWrite = entry.FromWrite };
        }
        _ready.Writer.TryWrite(work);
    }

    public RuleCounters CountersOf(string ruleId) => _counters.GetOrAdd(ruleId, _ => new RuleCounters());

    /// <summary>Pending objects of the rule and the age of the oldest.</summary>
    public (long Pending, TimeSpan Lag) PendingOf(string ruleId)
    {
        var now = time.GetUtcNow();
        long pending = 0;
        var oldest = now;
        lock (_lock)
        {
            foreach (var (work, entry) in _entries)
            {
                if (work.RuleId != ruleId) continue;
                pending++;
                if (entry.Since < oldest) oldest = entry.Since;
            }
        }
        return (pending, now - oldest);
    }

    public FollowNodeStatus Status(string ruleId, string nodeId)
    {
        var (pending, lag) = PendingOf(ruleId);
        var c = CountersOf(ruleId);
        return new FollowNodeStatus
        {
            RuleId = ruleId, NodeId = nodeId, Pending = pending, LagSeconds = lag.TotalSeconds, Done = c.Done, Deleted = c.Deleted,
            Failed = c.Failed, Overflowed = c.Overflowed, Failures = c.RecentFailures(), LastReconcile = c.LastReconcile,
        };
    }

    /// <summary>Forgets the counters of rules that no longer exist.</summary>
    public void Retain(IEnumerable<string> ruleIds)
    {
        var keep = ruleIds.ToHashSet(StringComparer.Ordinal);
        foreach (var id in _counters.Keys.Where(id => !keep.Contains(id)).ToList()) _counters.TryRemove(id, out _);
    }

    private sealed class Entry(DateTimeOffset since)
    {
        /// <summary>When the oldest write still waiting for this transform was queued.</summary>
        public DateTimeOffset Since { get; } = since;
        public bool Running { get; set; }
        public bool FromWrite { get; set; }
        /// <summary>Set when written again while running: when that write was queued.</summary>
        public DateTimeOffset? Again { get; set; }
    }
}

/// <summary>What one rule did on this node since it started.</summary>
public sealed class RuleCounters
{
    private readonly ConcurrentQueue<JobObjectError> _failures = new();
    private long _done, _deleted, _failed, _overflowed;
    private DateTimeOffset? _lastReconcile;

    public long Done => Interlocked.Read(ref _done);
    public long Deleted => Interlocked.Read(ref _deleted);
    public long Failed => Interlocked.Read(ref _failed);
    public long Overflowed => Interlocked.Read(ref _overflowed);
    public DateTimeOffset? LastReconcile => _lastReconcile;

    public void Transformed() => Interlocked.Increment(ref _done);
    public void DeletedDerived() => Interlocked.Increment(ref _deleted);
    public void Overflow() => Interlocked.Increment(ref _overflowed);
    public void Reconciled(DateTimeOffset at) => _lastReconcile = at;

    public void Failure(string name, string message)
    {
        Interlocked.Increment(ref _failed);
        // The first line, bounded: some runtime errors carry their inner stack traces in the message.
        var line = message.Split('\n', 2)[0].TrimEnd();
        _failures.Enqueue(new JobObjectError { Name = name, Message = line.Length > 300 ? line[..300] + "..." : line });
        while (_failures.Count > FollowNodeStatus.MaxListedFailures) _failures.TryDequeue(out _);
    }

    public IReadOnlyList<JobObjectError> RecentFailures() => _failures.ToList();
}
