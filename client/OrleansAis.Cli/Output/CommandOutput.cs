using System.Text.Json;
using OrleansAis.Cli.Commands;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Cli.Output;

/// <summary>
/// Where a command's results go: stdout, as text for people or as JSON (<c>--json</c>, the API's snake_case) for
/// scripts. Failures and progress go to stderr so stdout stays parseable (or stays the object's bytes, for <c>get -</c>).
/// </summary>
internal sealed class CommandOutput(bool json, TextWriter stdout, TextWriter stderr)
{
    public bool Json { get; } = json;

    public TextWriter Out { get; } = stdout;

    /// <summary>Writes <paramref name="document"/> as one line of JSON, or runs <paramref name="writeText"/>.</summary>
    public void Write<T>(T document, Action<TextWriter> writeText)
    {
        if (Json) WriteJson(document);
        else writeText(Out);
    }

    public void WriteJson<T>(T document) => Out.WriteLine(JsonSerializer.Serialize(document, OaisJson.Options));

    public void WriteFailure(CliFailure failure)
    {
        if (Json)
            stderr.WriteLine(JsonSerializer.Serialize(new ErrorDocument(new ErrorDto(failure.Code, failure.Message, failure.HttpStatus)), OaisJson.Options));
        else
            stderr.WriteLine($"error: {failure.Message}");
    }
}
