using OrleansAis.Etl;

namespace OrleansAis.Follow;

/// <summary>
/// Reads what a destination was produced from, out of the source marker every ETL output carries
/// (<see cref="EtlCopier.SourceMarker"/>: <c>etl|etl_args|bucket/name|vVERSION|CHECKSUM</c>).
/// </summary>
public static class FollowMarker
{
    /// <summary>The marker a destination of <paramref name="rule"/> produced from <paramref name="source"/> carries.</summary>
    public static string Expected(FollowRule rule, ObjectMeta source) =>
        EtlCopier.SourceMarker(rule.Pipeline, source);

    /// <summary>
    /// The name of the source in the rule's source bucket from which <paramref name="destination"/> was produced, under
    /// the rule's naming (ext, prepend); null when it was not (written by hand, by another rule, or named otherwise).
    /// </summary>
    public static string? SourceName(FollowRule rule, ObjectMeta destination)
    {
        if (!destination.Custom.TryGetValue(EtlCopier.SourceMetadataKey, out var marker)) return null;
        // The version and checksum come last and hold no '|'; the ETL (or pipeline) name comes first and holds none either.
        var checksum = marker.LastIndexOf('|');
        var version = checksum > 0 ? marker.LastIndexOf('|', checksum - 1) : -1;
        var etlEnd = marker.IndexOf('|');
        if (version < 0 || etlEnd >= version) return null;
        var head = marker[etlEnd..version]; // |etl_args|bucket/name
        // etl_args may itself hold "|bucket/": of the places the name could start, the one the rule names this object by wins.
        var key = "|" + rule.Source + "/";
        for (var at = head.IndexOf(key, StringComparison.Ordinal); at >= 0; at = head.IndexOf(key, at + 1, StringComparison.Ordinal))
        {
            var name = head[(at + key.Length)..];
            if (name.Length > 0 && rule.Transform.DestinationName(name) == destination.Name) return name;
        }
        return null;
    }
}
