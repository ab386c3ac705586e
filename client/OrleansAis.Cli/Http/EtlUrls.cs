namespace OrleansAis.Cli.Http;

/// <summary>Relative paths of the ETL and job endpoints (docs/ETL.md, "HTTP endpoints").</summary>
internal static class EtlUrls
{
    public static string Etls => "v1/etl";

    public static string Etl(string name) => $"v1/etl/{Uri.EscapeDataString(name)}";

    public static string Jobs => "v1/jobs";

    public static string StartJob => "v1/jobs/etl";

    public static string Job(string id) => $"v1/jobs/{Uri.EscapeDataString(id)}";
}
