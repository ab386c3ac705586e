using System.Globalization;

namespace OrleansAis.Loader.Options;

/// <summary>
/// Sizes like <c>4KiB</c>, <c>1MiB</c>, <c>10MB</c>, <c>512</c>. IEC suffixes (KiB, MiB, GiB, TiB) and single letters
/// (K, M, G, T) are powers of 1024; SI suffixes (KB, MB, GB, TB) powers of 1000; no suffix or B means bytes.
/// </summary>
internal static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Suffixes =
    [
        ("KIB", 1L << 10), ("MIB", 1L << 20), ("GIB", 1L << 30), ("TIB", 1L << 40),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("T", 1L << 40),
        ("B", 1),
    ];

    public static long Parse(string text, string flag)
    {
        var trimmed = text.Trim().ToUpperInvariant();
        long factor = 1;
        foreach (var (suffix, f) in Suffixes)
        {
            if (!trimmed.EndsWith(suffix, StringComparison.Ordinal)) continue;
            trimmed = trimmed[..^suffix.Length].TrimEnd();
            factor = f;
            break;
        }
        if (!decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number < 0)
            throw new UsageException($"{flag} '{text}' is not a size (examples: 4KiB, 1MiB, 10MB, 512)");
        try
        {
            return (long)decimal.Round(number * factor);
        }
        catch (OverflowException)
        {
            throw new UsageException($"{flag} '{text}' is too large");
        }
    }

    /// <summary>A short human form: 4 KiB, 1.5 MiB.</summary>
    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : value.ToString(value % 1 == 0 ? "0" : "0.##", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
