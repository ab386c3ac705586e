using System.Net;

namespace OrleansAis.Silo.Http.S3;

/// <summary>
/// S3's naming rules for general-purpose buckets, applied to buckets created over S3 (the <c>/v1</c> API keeps its own,
/// wider rules; a bucket created there stays reachable over S3 under its name, like S3's legacy us-east-1 buckets).
/// </summary>
public static class S3BucketNames
{
    private static readonly string[] ReservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
    private static readonly string[] ReservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

    /// <summary>Null when <paramref name="name"/> is a valid S3 bucket name, else the rule it breaks.</summary>
    public static string? Problem(string name)
    {
        if (name.Length is < 3 or > 63) return $"bucket names are 3 to 63 characters long; '{name}' has {name.Length}";
        if (name.FirstOrDefault(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')) is var bad and not '\0')
            return $"bucket names hold only lowercase letters, digits, '-' and '.'; '{name}' has '{bad}'";
        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
            return $"bucket names begin and end with a letter or digit; '{name}' does not";
        if (name.Contains("..", StringComparison.Ordinal)) return $"bucket names have no two adjacent periods; '{name}' has";
        if (name.Count(c => c == '.') == 3 && IPAddress.TryParse(name, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            return $"bucket names are not IP addresses; '{name}' is one";
        if (ReservedPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal)) is { } prefix)
            return $"bucket names do not start with '{prefix}' (reserved by S3)";
        if (ReservedSuffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal)) is { } suffix)
            return $"bucket names do not end with '{suffix}' (reserved by S3)";
        return null;
    }
}
