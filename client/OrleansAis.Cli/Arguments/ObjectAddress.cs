namespace OrleansAis.Cli.Arguments;

/// <summary>
/// A <c>BUCKET</c> or <c>BUCKET/NAME</c> argument. Bucket names cannot contain '/', so the first '/' separates the
/// bucket; the rest, slashes included, is the object name (or a prefix, or a virtual directory ending in '/').
/// </summary>
internal readonly record struct ObjectAddress(string Bucket, string? Name)
{
    public static ObjectAddress Parse(string text)
    {
        var slash = text.IndexOf('/');
        var bucket = slash < 0 ? text : text[..slash];
        if (bucket.Length == 0) throw new UsageException($"'{text}': expected BUCKET or BUCKET/NAME");
        var name = slash < 0 ? "" : text[(slash + 1)..];
        return new ObjectAddress(bucket, name.Length == 0 ? null : name);
    }

    /// <summary>The object name, or a usage error when the argument named only a bucket.</summary>
    public string RequireName() => Name ?? throw new UsageException($"'{Bucket}': expected BUCKET/NAME (an object), got only a bucket");

    public override string ToString() => Name is null ? Bucket : $"{Bucket}/{Name}";
}
