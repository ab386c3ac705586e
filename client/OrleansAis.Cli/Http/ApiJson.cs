using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansAis.Cli.Http;

/// <summary>The API's JSON conventions: snake_case fields, dictionary keys as given, readable non-ASCII.</summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
