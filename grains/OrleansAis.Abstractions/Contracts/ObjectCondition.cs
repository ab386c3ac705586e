namespace OrleansAis;

/// <summary>What a conditional request asks of the object's current state before it is answered or changed.</summary>
public enum ConditionOutcome
{
    /// <summary>Every condition holds: serve or change the object.</summary>
    Proceed,
    /// <summary>A read's If-None-Match or If-Modified-Since says the client's copy is current: 304.</summary>
    NotModified,
    /// <summary>412: If-Match or If-Unmodified-Since failed, or If-None-Match matched on a write.</summary>
    PreconditionFailed,
}

/// <summary>
/// The conditional headers of a request (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since), evaluated
/// against the object the way S3 does (RFC 9110 §13.2.2): If-Match, else If-Unmodified-Since; then If-None-Match,
/// else If-Modified-Since (reads only). Writes are evaluated on the owner under the object's key lock, at commit.
/// </summary>
[GenerateSerializer, Immutable, Alias("oais.ObjectCondition")]
public sealed class ObjectCondition
{
    /// <summary>"*" or a comma-separated list of entity tags (quoted or not).</summary>
    [Id(0)] public string? IfMatch { get; init; }
    [Id(1)] public string? IfNoneMatch { get; init; }
    [Id(2)] public DateTimeOffset? IfModifiedSince { get; init; }
    [Id(3)] public DateTimeOffset? IfUnmodifiedSince { get; init; }

    public bool IsEmpty => IfMatch is null && IfNoneMatch is null && IfModifiedSince is null && IfUnmodifiedSince is null;

    /// <summary>
    /// The outcome for an object in state <paramref name="current"/> (null: it does not exist). <paramref name="isRead"/>
    /// makes a matching If-None-Match (and a false If-Modified-Since) a 304 instead of a 412; writes ignore the dates'
    /// If-Modified-Since.
    /// </summary>
    public ConditionOutcome Evaluate(ObjectMeta? current, bool isRead)
    {
        // Last-Modified has whole seconds, so a client's date is compared with the time it was shown.
        var modified = current is null ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeSeconds(current.Modified.ToUnixTimeSeconds());
        if (IfMatch is not null)
        {
            if (!Matches(IfMatch, current)) return ConditionOutcome.PreconditionFailed;
        }
        else if (IfUnmodifiedSince is { } unmodifiedSince && modified > unmodifiedSince)
        {
            return ConditionOutcome.PreconditionFailed;
        }
        if (IfNoneMatch is not null)
        {
            if (Matches(IfNoneMatch, current)) return isRead ? ConditionOutcome.NotModified : ConditionOutcome.PreconditionFailed;
        }
        else if (isRead && IfModifiedSince is { } modifiedSince && modified <= modifiedSince)
        {
            return ConditionOutcome.NotModified;
        }
        return ConditionOutcome.Proceed;
    }

    /// <summary>
    /// Throws unless the write (or delete) of an object in state <paramref name="current"/> may go ahead: 412
    /// <see cref="OaisErrorCode.PreconditionFailed"/>, or, as S3 answers an If-Match write of a missing object, 404.
    /// </summary>
    public void EnsureWritable(string bucket, string name, ObjectMeta? current)
    {
        if (Evaluate(current, isRead: false) == ConditionOutcome.Proceed) return;
        if (current is null)
            throw new OaisException(OaisErrorCode.ObjectNotFound, $"object '{bucket}/{name}' does not exist, so If-Match: {IfMatch} cannot hold");
        throw new OaisException(OaisErrorCode.PreconditionFailed,
            $"object '{bucket}/{name}' (ETag {current.ETag}, modified {current.Modified:R}) does not meet the request's {Describe()}");
    }

    /// <summary>The conditions present, as the request's header names and values, for error messages.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (IfMatch is not null) parts.Add($"If-Match: {IfMatch}");
        if (IfNoneMatch is not null) parts.Add($"If-None-Match: {IfNoneMatch}");
        if (IfModifiedSince is { } ims) parts.Add($"If-Modified-Since: {ims:R}");
        if (IfUnmodifiedSince is { } ius) parts.Add($"If-Unmodified-Since: {ius:R}");
        return string.Join(", ", parts);
    }

    /// <summary>Whether the list ("*" or entity tags) names the current object; nothing matches an absent object.</summary>
    private static bool Matches(string list, ObjectMeta? current)
    {
        if (current is null) return false;
        var etag = current.ETag.Trim('"');
        foreach (var item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (item == "*") return true;
            // Strong comparison: a weak tag (W/"...") never matches, as S3's ETags are strong.
            if (!item.StartsWith("W/", StringComparison.Ordinal) && item.Trim('"') == etag) return true;
        }
        return false;
    }
}
