using System.Text.RegularExpressions;

namespace OrleansAis.Etl;

/// <summary>
/// An ETL as the user declares it, with AIStore's runtime-spec field names (the JSON/YAML form is parsed on the
/// silo). <see cref="Problems"/> is the one validation rule.
/// </summary>
[GenerateSerializer, Immutable, Alias("oais.EtlSpec")]
public sealed partial class EtlSpec
{
    public static readonly TimeSpan DefaultInitTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultObjTimeout = TimeSpan.FromSeconds(45);

    [Id(0)] public required string Name { get; init; }
    [Id(1)] public EtlRuntimeSpec Runtime { get; init; } = new();
    [Id(2)] public EtlCommunication Communication { get; init; } = EtlCommunication.Hpush;
    /// <summary>"" (bytes are sent) or "fqn" (the transformer reads the object from a local path).</summary>
    [Id(3)] public string Argument { get; init; } = "";
    [Id(4)] public TimeSpan InitTimeout { get; init; } = DefaultInitTimeout;
    [Id(5)] public TimeSpan ObjTimeout { get; init; } = DefaultObjTimeout;
    [Id(6)] public bool SupportDirectPut { get; init; }
    [Id(7)] public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    [Id(8)] public EtlResources Resources { get; init; } = new();

    public bool UsesFqn => Argument == "fqn";

    /// <summary>Every problem with this spec, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (NameProblem(Name) is { } name) problems.Add(name);
        if (string.IsNullOrWhiteSpace(Runtime.Image) && Runtime.Command.Count == 0 && Runtime.Python is null)
            problems.Add("runtime: give runtime.image, runtime.command, or both (or runtime.python for a Python function)");
        if (Runtime.Python is { } python) problems.AddRange(python.Problems(Runtime.Command.Count > 0));
        if (Runtime.Command.Any(string.IsNullOrEmpty)) problems.Add("runtime.command: contains an empty element");
        if (Argument is not ("" or "fqn")) problems.Add($"argument: '{Argument}' is not \"\" or \"fqn\"");
        if (Argument == "fqn" && Communication == EtlCommunication.Io) problems.Add("argument: fqn does not apply to io:// (the command reads stdin)");
        if (InitTimeout <= TimeSpan.Zero) problems.Add("init_timeout: must be positive");
        if (ObjTimeout <= TimeSpan.Zero) problems.Add("obj_timeout: must be positive");
        if (Resources.MemoryBytes is < 0) problems.Add("resources.memory: must be positive");
        if (Resources.NanoCpus is < 0) problems.Add("resources.cpu: must be positive");
        foreach (var key in Env.Keys.Concat(Runtime.Env.Keys))
        {
            if (!EnvName().IsMatch(key)) problems.Add($"env: '{key}' is not a valid variable name");
        }
        return problems;
    }

    /// <summary>Null when valid: lowercase letters, digits and '-', starting and ending alphanumeric, 6 to 32 characters.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "name: is required";
        if (name.Length is < 6 or > 32) return $"name: '{name}' is {name.Length} characters; ETL names are 6 to 32";
        if (!EtlName().IsMatch(name)) return $"name: '{name}' must be lowercase letters, digits and '-', starting and ending with a letter or digit";
        return null;
    }

    public void EnsureValid()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new OaisException(OaisErrorCode.InvalidArgument, "invalid ETL spec: " + string.Join("; ", problems));
    }

    public static void EnsureValidName(string? name)
    {
        if (NameProblem(name) is { } problem) throw new OaisException(OaisErrorCode.InvalidName, problem);
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex EtlName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();
}

[GenerateSerializer, Immutable, Alias("oais.EtlRuntimeSpec")]
public sealed class EtlRuntimeSpec
{
    /// <summary>Container image (Docker runtime).</summary>
    [Id(0)] public string? Image { get; init; }
    /// <summary>
    /// The transformer's command line. Docker: replaces the image entrypoint. Process: run as a child process.
    /// A first word <c>etl-host</c> names the built-in transformer host on either runtime.
    /// </summary>
    [Id(1)] public IReadOnlyList<string> Command { get; init; } = [];
    [Id(2)] public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
    /// <summary>A Python function run under the oais_etl SDK with no image build (AIStore's init_class); null otherwise.</summary>
    [Id(3)] public EtlPythonSpec? Python { get; init; }
}

/// <summary>
/// <c>runtime.python</c>: the source of a module and the function in it, served by the Python SDK (etl-host/python):
/// host python3 on the process runtime, the <c>oais/etl-python</c> image (or runtime.image) on Docker.
/// </summary>
[GenerateSerializer, Immutable, Alias("oais.EtlPythonSpec")]
public sealed partial class EtlPythonSpec
{
    /// <summary>The source travels to the transformer in an environment variable; Linux caps one at 128 KiB.</summary>
    public const int MaxSourceBytes = 100 << 10;

    [Id(0)] public string Source { get; init; } = "";
    /// <summary>The function: (data, path, args) -> bytes, or streaming (reader, writer, path, args); or a class with such a transform method.</summary>
    [Id(1)] public string Function { get; init; } = "transform";
    /// <summary>pip requirements installed before the transformer starts; refused at init where no index is reachable.</summary>
    [Id(2)] public IReadOnlyList<string> Packages { get; init; } = [];

    public IEnumerable<string> Problems(bool commandGiven)
    {
        if (commandGiven) yield return "runtime.python: give runtime.python or runtime.command, not both (the SDK is the command)";
        if (string.IsNullOrWhiteSpace(Source)) yield return "runtime.python.source: is required (the Python code defining the function)";
        else if (System.Text.Encoding.UTF8.GetByteCount(Source) > MaxSourceBytes)
            yield return $"runtime.python.source: {System.Text.Encoding.UTF8.GetByteCount(Source) >> 10} KiB; at most {MaxSourceBytes >> 10} KiB (build an image for larger code)";
        if (!Identifier().IsMatch(Function)) yield return $"runtime.python.function: '{Function}' is not a Python function name";
        foreach (var package in Packages)
        {
            if (!Requirement().IsMatch(package)) yield return $"runtime.python.packages: '{package}' is not a pip requirement like numpy or pillow>=10";
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    // A name, extras and version specifiers; never an option (a leading '-') or a path or URL.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?([<>=!~]=?[A-Za-z0-9.*+!_-]+(,[<>=!~]=?[A-Za-z0-9.*+!_-]+)*)?$")]
    private static partial Regex Requirement();
}

[GenerateSerializer, Immutable, Alias("oais.EtlResources")]
public sealed class EtlResources
{
    [Id(0)] public long? MemoryBytes { get; init; }
    /// <summary>CPU limit in billionths of a CPU (Docker's NanoCpus): "500m" = 500_000_000, "2" = 2_000_000_000.</summary>
    [Id(1)] public long? NanoCpus { get; init; }
}

/// <summary>How a silo and its transformer exchange objects (names follow AIStore).</summary>
public enum EtlCommunication
{
    Hpush = 0,
    Hpull = 1,
    Hrev = 2,
    Io = 3,
    Ws = 4,
}

public static class EtlCommunicationNames
{
    public static string ToScheme(this EtlCommunication c) => c switch
    {
        EtlCommunication.Hpush => "hpush://",
        EtlCommunication.Hpull => "hpull://",
        EtlCommunication.Hrev => "hrev://",
        EtlCommunication.Io => "io://",
        EtlCommunication.Ws => "ws://",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    public static bool TryParse(string? value, out EtlCommunication communication)
    {
        var v = (value ?? "").Trim().ToLowerInvariant();
        if (v.EndsWith("://", StringComparison.Ordinal)) v = v[..^3];
        (var ok, communication) = v switch
        {
            "" or "hpush" => (true, EtlCommunication.Hpush),
            "hpull" => (true, EtlCommunication.Hpull),
            "hrev" => (true, EtlCommunication.Hrev),
            "io" => (true, EtlCommunication.Io),
            "ws" => (true, EtlCommunication.Ws),
            _ => (false, EtlCommunication.Hpush),
        };
        return ok;
    }
}
