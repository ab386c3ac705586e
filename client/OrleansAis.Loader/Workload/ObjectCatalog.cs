using System.Collections;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// Which objects of the set exist (GETs only pick those, as aisloader does), which this run wrote (what --cleanup
/// deletes), and the checksums listed for those that existed before the run.
/// </summary>
internal sealed class ObjectCatalog(int count)
{
    private readonly Lock _lock = new();
    private readonly BitArray _readable = new(count);
    private readonly BitArray _written = new(count);
    private readonly List<int> _readableList = [];
    private readonly Dictionary<int, string> _listedChecksums = [];

    public int ReadableCount
    {
        get { lock (_lock) return _readableList.Count; }
    }

    public int WrittenCount
    {
        get { lock (_lock) return CountSet(_written); }
    }

    /// <summary>An object found by the listing before the run started.</summary>
    public void AddExisting(int index, string checksum)
    {
        lock (_lock)
        {
            _listedChecksums[index] = checksum;
            AddReadable(index);
        }
    }

    public void MarkWritten(int index)
    {
        lock (_lock)
        {
            _written[index] = true;
            AddReadable(index);
        }
    }

    public bool WasWritten(int index)
    {
        lock (_lock) return _written[index];
    }

    public string? ListedChecksum(int index)
    {
        lock (_lock) return _listedChecksums.GetValueOrDefault(index);
    }

    /// <summary>A random readable object, or -1 when none is known yet.</summary>
    public int PickReadable(Random random)
    {
        lock (_lock) return _readableList.Count == 0 ? -1 : _readableList[random.Next(_readableList.Count)];
    }

    public IReadOnlyList<int> Written()
    {
        lock (_lock)
        {
            var indices = new List<int>();
            for (var i = 0; i < _written.Length; i++) if (_written[i]) indices.Add(i);
            return indices;
        }
    }

    private void AddReadable(int index)
    {
        if (_readable[index]) return;
        _readable[index] = true;
        _readableList.Add(index);
    }

    private static int CountSet(BitArray bits)
    {
        var n = 0;
        for (var i = 0; i < bits.Length; i++) if (bits[i]) n++;
        return n;
    }
}
