using OrleansAis.Naming;

namespace OrleansAis.Ownership;

/// <summary>The cluster-wide key of an object: <c>bucket/object</c>. Bucket names never contain '/', so the first '/' splits.</summary>
public static class ObjectKey
{
    public static string Format(string bucket, string name) => bucket + "/" + name;

    public static (string Bucket, string Name) Parse(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0 || slash == key.Length - 1)
            throw new OaisException(OaisErrorCode.InvalidName, $"'{key}' is not of the form bucket/object");
        return (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>Validates both parts and returns the key.</summary>
    public static string Validated(string bucket, string name)
    {
        Names.EnsureValidBucketName(bucket);
        Names.EnsureValidObjectName(name);
        return Format(bucket, name);
    }
}
