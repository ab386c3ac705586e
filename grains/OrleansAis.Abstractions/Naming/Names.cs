using System.Text;

namespace OrleansAis.Naming;

/// <summary>
/// The single source of truth for what a valid bucket or object name is.
/// Every entry point (grains, HTTP, S3, CLI) validates through here.
/// </summary>
public static class Names
{
    public const int MaxObjectNameBytes = 1024;
    public const int MaxBucketNameLength = 63;

    /// <summary>Returns null when <paramref name="name"/> is a valid object name, else a sentence saying what is wrong.</summary>
    public static string? ObjectNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "object name is empty";
        if (name.Contains('\0')) return "object name contains a NUL character";
        // Control characters cannot be written in S3's XML listings or in response headers, and they forge log lines.
        if (name.FirstOrDefault(IsControl) is var control and not '\0')
            return $"object name '{Shorten(Visible(name))}' contains the control character {Printable(control)}";
        if (name[0] == '/') return $"object name '{Shorten(name)}' is absolute (starts with '/')";
        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxObjectNameBytes) return $"object name is {bytes} bytes long; the limit is {MaxObjectNameBytes} bytes";
        // Names map to hashed file names, so no name reaches the file system; '..' is refused anyway, because clients
        // that mirror a bucket to disk, or decode a name once more, would follow it. '\\' counts as a separator
        // (Windows), and so does every percent-decoding of the name ('%2e%2e', '%252e%252e').
        var decoded = name;
        for (var depth = 0; depth < 4; depth++)
        {
            if (decoded.Split('/', '\\').Contains(".."))
                return $"object name '{Shorten(name)}' contains a '..' segment{(depth > 0 ? " once percent-decoded" : "")}";
            var next = Uri.UnescapeDataString(decoded);
            if (next == decoded) break;
            decoded = next;
        }
        return null;
    }

    private static bool IsControl(char c) => c < ' ' || c == '\u007f';

    private static string Visible(string s) => string.Concat(s.Select(c => IsControl(c) ? Printable(c) : c.ToString()));

    /// <summary>Returns null when <paramref name="name"/> is a valid bucket name, else a sentence saying what is wrong.</summary>
    public static string? BucketNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "bucket name is empty";
        if (name.Length > MaxBucketNameLength) return $"bucket name '{Shorten(name)}' is {name.Length} characters long; the limit is {MaxBucketNameLength}";
        if (!char.IsAsciiLetterOrDigit(name[0])) return $"bucket name '{name}' must start with a letter or digit";
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                return $"bucket name '{Shorten(name)}' contains '{Printable(c)}'; allowed are letters, digits, '-', '_' and '.'";
        }
        return null;
    }

    /// <summary>
    /// Null when a custom metadata entry can be stored and served back as an HTTP header, else what is wrong: a control
    /// character would make every later GET of the object fail when its headers are written.
    /// </summary>
    /// <summary>
    /// The one limit on an object's user metadata, on both APIs: S3's 2 KiB for all names and values together, in UTF-8.
    /// </summary>
    public const int MaxUserMetadataBytes = 2048;

    /// <summary>Null when user metadata this large may be stored, else a sentence naming the limit.</summary>
    public static string? UserMetadataSizeProblem(IReadOnlyDictionary<string, string> custom)
    {
        var size = custom.Sum(kv => Encoding.UTF8.GetByteCount(kv.Key) + Encoding.UTF8.GetByteCount(kv.Value));
        return size > MaxUserMetadataBytes
            ? $"user metadata is {size} bytes (names and values in UTF-8); the limit is {MaxUserMetadataBytes}"
            : null;
    }

    public static string? MetadataProblem(string key, string value) =>
        key.Any(IsControl) || value.Any(IsControl)
            ? $"metadata '{Visible(key)}' contains the control character {Printable((key + value).First(IsControl))}"
            : null;

    public static void EnsureValidObjectName(string? name)
    {
        if (ObjectNameProblem(name) is { } problem) throw new OaisException(OaisErrorCode.InvalidName, problem);
    }

    public static void EnsureValidBucketName(string? name)
    {
        if (BucketNameProblem(name) is { } problem) throw new OaisException(OaisErrorCode.InvalidName, problem);
    }

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..61] + "...";

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
}
