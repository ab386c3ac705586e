using System.Text.Json;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Silo.Http;

/// <summary>The AIS-style API's answers as ASP.NET results: the contract's documents in <see cref="OaisJson.Options"/>.</summary>
public static class AisJson
{
    /// <summary>
    /// Reads a JSON request body whatever its Content-Type says (curl -d sends form encoding), so a bad body gets an
    /// error naming what is wrong with it instead of an endpoint that does not match.
    /// </summary>
    public static async Task<T> ReadBodyAsync<T>(HttpRequest request, string expected) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, OaisJson.Options, request.HttpContext.RequestAborted)
                ?? throw new OaisException(OaisErrorCode.InvalidArgument, $"body: expected {expected}, got null");
        }
        catch (JsonException e)
        {
            throw new OaisException(OaisErrorCode.InvalidArgument, $"body: expected {expected} as JSON ({e.Message})");
        }
    }

    public static IResult Json<T>(T document, int statusCode = StatusCodes.Status200OK) =>
        Results.Json(document, OaisJson.Options, statusCode: statusCode);

    public static IResult Error(OaisErrorCode code, string message) => Error(ErrorMapping.StatusOf(code), code, message);

    public static IResult Error(OaisException e) => Error(e.Code, e.Message);

    /// <summary>An error whose status is not the code's usual one (a refused request body says its own).</summary>
    public static IResult Error(int status, OaisErrorCode code, string message) =>
        Json(new ErrorDocument(new ErrorDto(code.ToString(), message, status)), status);
}
