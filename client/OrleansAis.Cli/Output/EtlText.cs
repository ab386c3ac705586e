using OrleansAis.Http.Contracts;

namespace OrleansAis.Cli.Output;

/// <summary>Short descriptions of an ETL for tables and messages.</summary>
internal static class EtlText
{
    public static string Communication(EtlDetailsDto etl) => etl.Spec.Communication is { Length: > 0 } communication ? communication : "?";

    /// <summary>The runtimes the silos use (normally one: "process" or "docker").</summary>
    public static string Runtimes(EtlDetailsDto etl)
    {
        var runtimes = etl.Nodes.Select(n => n.Runtime).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return runtimes.Count > 0 ? string.Join(",", runtimes) : "-";
    }

    /// <summary>How many silos are in each stage: <c>3/3 Running</c>, or <c>2 Running, 1 Aborted</c>.</summary>
    public static string NodeStages(EtlDetailsDto etl)
    {
        var stages = etl.Nodes.GroupBy(n => n.Stage, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        return stages switch
        {
            [] => "no nodes",
            [var one] => $"{one.Count()}/{etl.Nodes.Count} {one.Key}",
            _ => string.Join(", ", stages.Select(g => $"{g.Count()} {g.Key}")),
        };
    }
}
