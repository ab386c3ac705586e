using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansAis.Silo.Http;

/// <summary>JSON conventions of the AIS-style API: snake_case names, errors as {"error":{code,message,status}}.</summary>
public static class AisJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
        // Object names and messages are shown to people: keep quotes and non-ASCII readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Reads a JSON request body whatever its Content-Type says (curl -d sends form encoding), so a bad body gets an
    /// error naming what is wrong with it instead of an endpoint that does not match.
    /// </summary>
    public static async Task<T> ReadBodyAsync<T>(HttpRequest request, string expected) where T : class
    {
        try
        {
            return await System.Text.Json.JsonSerializer.DeserializeAsync<T>(request.Body, Options, request.HttpContext.RequestAborted)
                ?? throw new OaisException(OaisErrorCode.InvalidArgument, $"body: expected {expected}, got null");
        }
        catch (JsonException e)
        {
            throw new OaisException(OaisErrorCode.InvalidArgument, $"body: expected {expected} as JSON ({e.Message})");
        }
    }

    public static IResult Error(OaisErrorCode code, string message) => Error(ErrorMapping.StatusOf(code), code.ToString(), message);

    public static IResult Error(OaisException e) => Error(e.Code, e.Message);

    public static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = new { code, message, status } }, Options, statusCode: status);
}
