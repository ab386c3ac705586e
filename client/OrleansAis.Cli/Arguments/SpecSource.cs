using System.Text.Json.Nodes;

namespace OrleansAis.Cli.Arguments;

/// <summary>Where <c>oais etl init</c> gets its spec: a JSON or YAML file, standard input (<c>-</c>), or the quick flags.</summary>
internal static class SpecSource
{
    public const string StandardInput = "-";

    /// <summary>The spec file's text, unparsed: the server parses JSON and YAML and names the field that is wrong.</summary>
    public static async Task<string> ReadAsync(string path, CancellationToken ct)
    {
        if (path == StandardInput)
        {
            using var stdin = new StreamReader(Console.OpenStandardInput());
            return await stdin.ReadToEndAsync(ct);
        }
        if (!File.Exists(path)) throw new UsageException($"spec file '{path}' does not exist");
        return await File.ReadAllTextAsync(path, ct);
    }

    /// <summary>
    /// A spec from <c>--name --comm-type --image --command</c>. The command is split on whitespace (AIStore's CLI does
    /// the same); a command whose arguments contain spaces needs a spec file.
    /// </summary>
    public static string FromFlags(string name, string? communication, string? image, string? command) =>
        Build(name, communication, RuntimeFromFlags(image, command));

    /// <summary>A runtime.python spec from <c>--from-file</c>: the file's text is the source (the server checks it at init).</summary>
    public static async Task<string> FromPythonFileAsync(string name, string path, string? function, string? packages,
        string? communication, string? image, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new UsageException($"Python file '{path}' does not exist");
        var python = new JsonObject
        {
            ["source"] = await File.ReadAllTextAsync(path, ct),
            ["function"] = function ?? "transform",
            ["packages"] = new JsonArray((packages ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries).Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
        };
        var runtime = RuntimeFromFlags(image, command: null);
        runtime["python"] = python;
        return Build(name, communication, runtime);
    }

    private static JsonObject RuntimeFromFlags(string? image, string? command)
    {
        var runtime = new JsonObject();
        if (image is not null) runtime["image"] = image;
        if (command is not null)
            runtime["command"] = new JsonArray(command.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => (JsonNode?)JsonValue.Create(w)).ToArray());
        return runtime;
    }

    private static string Build(string name, string? communication, JsonObject runtime)
    {
        var spec = new JsonObject { ["name"] = name, ["runtime"] = runtime };
        if (communication is not null) spec["communication"] = communication.Contains("://") ? communication : communication + "://";
        return spec.ToJsonString();
    }
}
