using System.Text;

namespace OrleansAis.Etl.Runtimes;

/// <summary>The last N bytes written (a command's stderr), decoded as UTF-8 on demand.</summary>
internal sealed class TailBuffer(int capacity)
{
    private readonly byte[] _buffer = new byte[capacity];
    private long _written;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.Length > capacity)
        {
            _written += data.Length - capacity;
            data = data[^capacity..];
        }
        foreach (var b in data) _buffer[(int)(_written++ % capacity)] = b;
    }

    public override string ToString()
    {
        if (_written <= capacity) return Encoding.UTF8.GetString(_buffer, 0, (int)_written);
        var start = (int)(_written % capacity);
        return "..." + Encoding.UTF8.GetString([.. _buffer[start..], .. _buffer[..start]]);
    }
}
