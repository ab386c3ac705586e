using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansAis.Loader.Report;

/// <summary>--json: the report as one JSON document (snake_case names) on stdout.</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null, // error kinds and operation names stay as they are
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Render(LoaderReport report) => JsonSerializer.Serialize(report, Options);
}
