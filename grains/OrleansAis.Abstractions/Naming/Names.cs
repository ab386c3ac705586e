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
        if (name[0] == '/') return $"object name '{Shorten(name)}' is absolute (starts with '/')";
        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxObjectNameBytes) return $"object name is {bytes} bytes long; the limit is {MaxObjectNameBytes} bytes";
        foreach (var segment in name.Split('/'))
        {
            if (segment == "..") return $"object name '{Shorten(name)}' contains a '..' segment";
        }
        return null;
    }

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
