using OrleansAis.Etl.Sdk;
using OrleansAis.EtlHost.Transformers;

namespace OrleansAis.EtlHost;

/// <summary>The transformers etl-host can run, by name.</summary>
public static class BuiltinTransformers
{
    public static IReadOnlyList<string> Names { get; } = ["echo", "md5", "sha256", "gzip", "gunzip", "upper", "hello", "exec", "args", "fail-on", "whoami"];

    /// <exception cref="ArgumentException">The name is unknown, or exec has no command.</exception>
    public static ITransformer Create(string name, TransformerServerOptions options) => name switch
    {
        "echo" => new EchoTransformer(),
        "md5" => new HashTransformer(HashTransformer.Md5),
        "sha256" => new HashTransformer(HashTransformer.Sha256),
        "gzip" => new GzipTransformer(),
        "gunzip" => new GunzipTransformer(),
        "upper" => new UpperTransformer(),
        "hello" => new HelloTransformer(),
        "exec" when options.Rest.Count > 0 => new ExecTransformer(options.Rest),
        "exec" => throw new ArgumentException("exec needs the command to run after '--' (etl-host exec -- tr a-z A-Z)"),
        "args" => new ArgsTransformer(),
        "fail-on" => new FailOnTransformer(Environment.GetEnvironmentVariable("FAIL_ON")),
        "whoami" => new WhoAmITransformer(),
        _ => throw new ArgumentException($"unknown transformer '{name}'"),
    };
}
