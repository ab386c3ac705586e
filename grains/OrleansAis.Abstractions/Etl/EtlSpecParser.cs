using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansAis.Units;
using YamlDotNet.RepresentationModel;

namespace OrleansAis.Etl;

/// <summary>
/// Reads an ETL spec from JSON or YAML with AIStore's field names (name, runtime.image, runtime.command, runtime.env,
/// communication, argument, init_timeout, obj_timeout, support_direct_put, env, resources.memory|cpu, also under
/// resources.limits). Errors name the field; the result is validated with <see cref="EtlSpec.Problems"/>.
/// </summary>
public static class EtlSpecParser
{
    public static EtlSpec Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw Invalid("the spec is empty");
        var root = text.TrimStart().StartsWith('{') ? ParseJson(text) : ParseYaml(text);
        if (root is not JsonObject spec) throw Invalid("the spec must be an object");
        var problems = new List<string>();
        var known = new HashSet<string> { "name", "runtime", "communication", "comm_type", "argument", "arg_type", "init_timeout", "obj_timeout", "support_direct_put", "env", "resources" };
        problems.AddRange(spec.Select(p => p.Key).Where(k => !known.Contains(k)).Select(k => $"{k}: unknown field"));

        var runtime = spec["runtime"] as JsonObject;
        if (spec["runtime"] is not null and not JsonObject) problems.Add("runtime: must be an object");
        var communication = EtlCommunication.Hpush;
        var commText = Str(spec, "communication", problems) ?? Str(spec, "comm_type", problems);
        if (commText is not null && !EtlCommunicationNames.TryParse(commText, out communication))
            problems.Add($"communication: '{commText}' is not one of hpush://, hpull://, hrev://, io://, ws://");

        var result = new EtlSpec
        {
            Name = Str(spec, "name", problems) ?? "",
            Runtime = new EtlRuntimeSpec
            {
                Image = runtime is null ? null : Str(runtime, "image", problems, "runtime."),
                Command = runtime is null ? [] : Command(runtime["command"], problems),
                Env = runtime is null ? new Dictionary<string, string>() : Env(runtime["env"], "runtime.env", problems),
                Python = runtime is null ? null : Python(runtime["python"], problems),
            },
            Communication = communication,
            Argument = Str(spec, "argument", problems) ?? Str(spec, "arg_type", problems) ?? "",
            InitTimeout = Duration(spec, "init_timeout", problems) ?? EtlSpec.DefaultInitTimeout,
            ObjTimeout = Duration(spec, "obj_timeout", problems) ?? EtlSpec.DefaultObjTimeout,
            SupportDirectPut = Bool(spec, "support_direct_put", problems) ?? false,
            Env = Env(spec["env"], "env", problems),
            Resources = Resources(spec["resources"], problems),
        };
        if (problems.Count > 0) throw Invalid(string.Join("; ", problems));
        result.EnsureValid();
        return result;
    }

    /// <summary>Kubernetes-style CPU ("500m", "1.5", "2") to Docker NanoCpus.</summary>
    public static long? ParseCpu(string text)
    {
        if (text.EndsWith('m') && long.TryParse(text[..^1], out var milli) && milli > 0) return milli * 1_000_000;
        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var cpus) && cpus > 0 ? (long)(cpus * 1_000_000_000) : null;
    }

    private static OaisException Invalid(string message) => new(OaisErrorCode.InvalidArgument, "invalid ETL spec: " + message);

    private static JsonNode? ParseJson(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException e) { throw Invalid($"not valid JSON ({e.Message})"); }
    }

    private static JsonNode? ParseYaml(string text)
    {
        var yaml = new YamlStream();
        try { yaml.Load(new StringReader(text)); }
        catch (YamlDotNet.Core.YamlException e) { throw Invalid($"not valid YAML or JSON (line {e.Start.Line}: {e.Message})"); }
        // YamlDotNet reports some malformed documents (e.g. an unclosed flow sequence) as an invalid state, not a YamlException.
        catch (InvalidOperationException e) { throw Invalid($"not valid YAML or JSON ({e.Message})"); }
        catch (InsufficientExecutionStackException) { throw Invalid($"the YAML is nested deeper than this parser follows"); }
        if (yaml.Documents.Count == 0) return null;
        var budget = MaxYamlValues;
        return ToJson(yaml.Documents[0].RootNode, ref budget, depth: 0);
    }

    /// <summary>A spec has a few dozen values; aliases can make a few hundred bytes expand to billions ("billion laughs").</summary>
    private const int MaxYamlValues = 10_000;
    private const int MaxYamlDepth = 64;

    private static JsonNode? ToJson(YamlNode node, ref int budget, int depth)
    {
        if (--budget < 0) throw Invalid($"the YAML expands to more than {MaxYamlValues} values (too many aliases or entries)");
        if (depth > MaxYamlDepth) throw Invalid($"the YAML is nested more than {MaxYamlDepth} levels deep");
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name }) throw Invalid($"line {key.Start.Line}: keys must be plain names, not lists or maps");
                    if (obj.ContainsKey(name)) throw Invalid($"line {key.Start.Line}: '{name}' appears twice");
                    obj[name] = ToJson(value, ref budget, depth + 1);
                }
                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                foreach (var item in seq.Children) array.Add(ToJson(item, ref budget, depth + 1));
                return array;
            case YamlScalarNode scalar:
                return scalar.Value is null ? null : JsonValue.Create(scalar.Value);
            default:
                return null;
        }
    }

    // YAML scalars all arrive as strings; JSON may bring numbers and booleans: accept both where it makes sense.
    private static string? Str(JsonObject o, string key, List<string> problems, string path = "")
    {
        var node = o[key];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        problems.Add($"{path}{key}: must be a string");
        return null;
    }

    private static bool? Bool(JsonObject o, string key, List<string> problems)
    {
        var node = o[key];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
        if (node is JsonValue s && s.TryGetValue<string>(out var text) && bool.TryParse(text, out b)) return b;
        problems.Add($"{key}: must be true or false");
        return null;
    }

    private static TimeSpan? Duration(JsonObject o, string key, List<string> problems)
    {
        var node = o[key];
        if (node is null) return null;
        var text = node is JsonValue v && v.TryGetValue<double>(out var n) ? n.ToString(CultureInfo.InvariantCulture) : (node as JsonValue)?.ToString();
        if (text is null)
        {
            problems.Add($"{key}: '{node.ToJsonString()}' is not a positive duration like 45s, 5m or 1m30s");
            return null;
        }
        try
        {
            return GoDuration.ParsePositive(text);
        }
        catch (FormatException e)
        {
            problems.Add($"{key}: {e.Message}");
            return null;
        }
    }

    private static IReadOnlyList<string> Command(JsonNode? node, List<string> problems)
    {
        switch (node)
        {
            case null: return [];
            // One string is refused rather than guessed at: "etl-host echo" would be run as a program of that name.
            case JsonValue v when v.TryGetValue<string>(out var single):
                problems.Add($"runtime.command: must be a list of strings, e.g. [\"etl-host\", \"echo\"], not the string '{single}'");
                return [];
            case JsonArray a when a.All(x => x is JsonValue xv && xv.TryGetValue<string>(out _)): return a.Select(x => x!.GetValue<string>()).ToList();
            default:
                problems.Add("runtime.command: must be a list of strings");
                return [];
        }
    }

    /// <summary>runtime.python: {source, function, packages}; packages may be a list or one space/comma-separated string.</summary>
    private static EtlPythonSpec? Python(JsonNode? node, List<string> problems)
    {
        if (node is null) return null;
        if (node is not JsonObject o)
        {
            problems.Add("runtime.python: must be an object {source, function, packages}");
            return null;
        }
        foreach (var key in o.Select(p => p.Key).Where(k => k is not ("source" or "function" or "packages")))
            problems.Add($"runtime.python.{key}: unknown field");
        IReadOnlyList<string> packages = o["packages"] switch
        {
            null => [],
            JsonValue v when v.TryGetValue<string>(out var text) => text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries),
            JsonArray a when a.All(x => x is JsonValue xv && xv.TryGetValue<string>(out _)) => a.Select(x => x!.GetValue<string>()).ToList(),
            _ => Problem(problems, "runtime.python.packages: must be a list of strings"),
        };
        return new EtlPythonSpec
        {
            Source = Str(o, "source", problems, "runtime.python.") ?? "",
            Function = Str(o, "function", problems, "runtime.python.") ?? "transform",
            Packages = packages,
        };
    }

    private static IReadOnlyList<string> Problem(List<string> problems, string problem)
    {
        problems.Add(problem);
        return [];
    }

    private static IReadOnlyDictionary<string, string> Env(JsonNode? node, string path, List<string> problems)
    {
        var env = new Dictionary<string, string>();
        switch (node)
        {
            case null: break;
            case JsonObject o:
                foreach (var (k, v) in o) env[k] = v is JsonValue jv ? jv.ToString() : v?.ToJsonString() ?? "";
                break;
            case JsonArray a: // Kubernetes form: [{name: X, value: Y}]
                foreach (var item in a.OfType<JsonObject>())
                {
                    if (item["name"]?.ToString() is { Length: > 0 } k) env[k] = item["value"]?.ToString() ?? "";
                    else problems.Add($"{path}: an entry has no name");
                }
                break;
            default:
                problems.Add($"{path}: must be a map of name to value");
                break;
        }
        return env;
    }

    private static EtlResources Resources(JsonNode? node, List<string> problems)
    {
        if (node is null) return new EtlResources();
        if (node is not JsonObject o)
        {
            problems.Add("resources: must be an object");
            return new EtlResources();
        }
        var limits = o["limits"] as JsonObject ?? o;
        long? memory = null, cpu = null;
        if (limits["memory"]?.ToString() is { } m) memory = Memory(m, problems);
        if (limits["cpu"]?.ToString() is { } c && (cpu = ParseCpu(c)) is null) problems.Add($"resources.cpu: '{c}' is not a CPU amount like 500m or 2");
        return new EtlResources { MemoryBytes = memory, NanoCpus = cpu };
    }

    /// <summary>A memory limit: a <see cref="ByteSize"/> of more than zero.</summary>
    private static long? Memory(string text, List<string> problems)
    {
        try
        {
            var bytes = ByteSize.Parse(text);
            if (bytes > 0) return bytes;
            problems.Add($"resources.memory: '{text}' must be more than zero");
        }
        catch (FormatException e)
        {
            problems.Add($"resources.memory: {e.Message}");
        }
        return null;
    }
}
