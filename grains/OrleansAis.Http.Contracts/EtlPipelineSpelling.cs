namespace OrleansAis.Http.Contracts;

/// <summary>
/// How a pipeline of ETLs is spelled in one string: AIStore's <c>a&gt;&gt;b&gt;&gt;c</c> (in <c>etl_name</c> and the CLI)
/// or a list <c>a,b,c</c> (in <c>etl_pipeline</c>). The one splitter of both; <c>OrleansAis.Etl.EtlPipeline</c> validates.
/// </summary>
public static class EtlPipelineSpelling
{
    /// <summary>AIStore's separator: <c>etl_name=a&gt;&gt;b&gt;&gt;c</c>.</summary>
    public const string AisSeparator = ">>";
    public const char ListSeparator = ',';

    /// <summary>The stage names in order, trimmed; empty entries are kept so that validation can name them.</summary>
    public static IReadOnlyList<string> Split(string text) =>
        text.Replace(AisSeparator, ListSeparator.ToString(), StringComparison.Ordinal).Split(ListSeparator).Select(s => s.Trim()).ToList();

    /// <summary>The AIStore spelling of stage names (also how a pipeline is shown).</summary>
    public static string Join(IEnumerable<string> names) => string.Join(AisSeparator, names);
}
