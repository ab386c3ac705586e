namespace OrleansAis.Loader.Verification;

internal enum VerdictKind
{
    /// <summary>Content checked and right.</summary>
    Verified,

    /// <summary>Content not checked (verification off, or nothing to compare against).</summary>
    Unverified,

    /// <summary>Content checked and wrong: a wrong read.</summary>
    Wrong,
}

/// <summary>What reading one GET body found.</summary>
internal readonly record struct ReadVerdict(VerdictKind Kind, string? Detail = null)
{
    public static readonly ReadVerdict Verified = new(VerdictKind.Verified);
    public static readonly ReadVerdict Unverified = new(VerdictKind.Unverified);

    public static ReadVerdict Wrong(string detail) => new(VerdictKind.Wrong, detail);
}
