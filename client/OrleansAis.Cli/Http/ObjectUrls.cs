namespace OrleansAis.Cli.Http;

/// <summary>Relative API paths (resolved against the endpoint). Object names keep their '/' and escape every segment.</summary>
internal static class ObjectUrls
{
    public static string Buckets => "v1/buckets";

    public static string Bucket(string bucket) => $"v1/buckets/{Uri.EscapeDataString(bucket)}";

    public static string Object(string bucket, string name) =>
        $"v1/objects/{Uri.EscapeDataString(bucket)}/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}";

    public static string Cluster => "v1/cluster";

    /// <summary>Appends the non-null parameters as an escaped query string.</summary>
    public static string WithQuery(string path, params (string Key, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? path : path + "?" + string.Join('&', present);
    }
}
