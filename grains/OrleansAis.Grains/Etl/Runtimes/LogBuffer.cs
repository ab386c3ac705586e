namespace OrleansAis.Etl.Runtimes;

/// <summary>The last N lines a transformer printed (thread-safe ring).</summary>
public sealed class LogBuffer(int capacity)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity) _lines.Dequeue();
        }
    }

    public string Tail(int lines)
    {
        lock (_gate) return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - lines)));
    }
}
