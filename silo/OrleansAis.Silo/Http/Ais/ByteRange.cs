using System.Globalization;

namespace OrleansAis.Silo.Http.Ais;

/// <summary>One satisfiable byte range of an object of a known size, parsed from an HTTP Range header.</summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    public long Last => Offset + Length - 1;

    /// <summary>
    /// Parses "bytes=a-b", "bytes=a-" or "bytes=-n" against <paramref name="size"/>. Returns null for no header;
    /// throws <see cref="OaisErrorCode.InvalidRange"/> naming the problem (malformed, several ranges, outside the object).
    /// </summary>
    public static ByteRange? Parse(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        var value = header.Trim();
        if (!value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) throw Invalid($"'{header}' is not a bytes range");
        var spec = value["bytes=".Length..].Trim();
        if (spec.Contains(',')) throw Invalid($"'{header}' asks for several ranges; one range per request is supported");
        var dash = spec.IndexOf('-');
        if (dash < 0) throw Invalid($"'{header}' has no '-'");
        var (first, last) = (spec[..dash].Trim(), spec[(dash + 1)..].Trim());
        if (first.Length == 0)
        {
            if (!TryNumber(last, out var suffix) || suffix == 0) throw Invalid($"'{header}' is not a valid suffix range");
            return size == 0 ? throw Invalid($"'{header}': the object is empty") : new ByteRange(Math.Max(0, size - suffix), Math.Min(suffix, size));
        }
        if (!TryNumber(first, out var start)) throw Invalid($"'{header}' has a bad start");
        if (start >= size) throw Invalid($"'{header}' starts at {start}, beyond the object's {size} bytes");
        var end = size - 1;
        if (last.Length > 0)
        {
            if (!TryNumber(last, out end) || end < start) throw Invalid($"'{header}' has a bad end");
            end = Math.Min(end, size - 1);
        }
        return new ByteRange(start, end - start + 1);
    }

    private static bool TryNumber(string s, out long n) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n);

    private static OaisException Invalid(string message) => new(OaisErrorCode.InvalidRange, "Range " + message);
}
