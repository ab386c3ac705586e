using System.Text;

namespace OrleansAis.Loader.Chaos;

/// <summary>
/// The bytes of one write: a header naming the key and the write's sequence number, then bytes derived from both, so a
/// read tells which write it returned (stale: an older sequence than the last acknowledged) and whether it is intact.
/// </summary>
internal static class VersionedContent
{
    private const string Magic = "oais-chaos ";

    public static byte[] Create(string key, long sequence, int size)
    {
        var header = Encoding.ASCII.GetBytes($"{Magic}{sequence} {Hash(key):x16}\n");
        var bytes = new byte[Math.Max(size, header.Length)];
        header.CopyTo(bytes, 0);
        Fill(bytes.AsSpan(header.Length), Hash(key) ^ (ulong)sequence);
        return bytes;
    }

    /// <summary>The sequence number of an intact write of <paramref name="key"/>, or null when the bytes are not one (wrong bytes).</summary>
    public static long? SequenceOf(string key, ReadOnlySpan<byte> body)
    {
        var newline = body.IndexOf((byte)'\n');
        if (newline < 0 || newline > 64) return null;
        var header = Encoding.ASCII.GetString(body[..newline]);
        var parts = header.Split(' ');
        if (parts.Length != 3 || parts[0] + " " != Magic || !long.TryParse(parts[1], out var sequence) || parts[2] != $"{Hash(key):x16}") return null;
        var expected = Create(key, sequence, body.Length);
        return body.SequenceEqual(expected) ? sequence : null;
    }

    private static ulong Hash(string key) => System.IO.Hashing.XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key));

    private static void Fill(Span<byte> span, ulong state)
    {
        for (var i = 0; i < span.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            span[i] = (byte)state;
        }
    }
}
