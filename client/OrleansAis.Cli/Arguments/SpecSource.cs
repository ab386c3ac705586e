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
    public static string FromFlags(string name, string? communication, string? image, string? command)
    {
        var runtime = new JsonObject();
        if (image is not null) runtime["image"] = image;
        if (command is not null)
            runtime["command"] = new JsonArray(command.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => (JsonNode?)JsonValue.Create(w)).ToArray());
        var spec = new JsonObject { ["name"] = name, ["runtime"] = runtime };
        if (communication is not null) spec["communication"] = communication.Contains("://") ? communication : communication + "://";
        return spec.ToJsonString();
    }
}
