namespace OrleansAis.Loader.Http;

/// <summary>AIS-style API paths, relative (no leading '/') so an endpoint with a path prefix keeps it.</summary>
internal static class ApiPaths
{
    public static string Bucket(string bucket) => "v1/buckets/" + Uri.EscapeDataString(bucket);

    public static string Listing(string bucket, string prefix, int pageSize, string? continuationToken) =>
        Bucket(bucket) + $"?prefix={Uri.EscapeDataString(prefix)}&page_size={pageSize}" +
        (continuationToken is null ? "" : "&continuation_token=" + Uri.EscapeDataString(continuationToken));

    /// <summary>Each '/'-separated segment of the name escaped on its own (the API's rule).</summary>
    public static string Object(string bucket, string name, string? etlName = null) =>
        "v1/objects/" + Uri.EscapeDataString(bucket) + "/" + string.Join('/', name.Split('/').Select(Uri.EscapeDataString)) +
        (etlName is null ? "" : "?etl_name=" + Uri.EscapeDataString(etlName));

    public const string Etls = "v1/etl";

    public static string Etl(string name) => "v1/etl/" + Uri.EscapeDataString(name);
}
