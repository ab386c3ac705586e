using System.Diagnostics.CodeAnalysis;
using OrleansAis.Etl.Sdk;
using OrleansAis.EtlHost.Transformers;

namespace OrleansAis.EtlHost;

/// <summary>The transformers etl-host can run, by name.</summary>
public static class BuiltinTransformers
{
    public static IReadOnlyList<string> Names { get; } = ["echo", "md5", "sha256", "gzip", "gunzip", "upper", "hello", "exec", "fail-on", "whoami", "args"];

    public static bool TryCreate(string name, TransformerServerOptions options, [NotNullWhen(true)] out ITransformer? transformer)
    {
        transformer = name switch
        {
            "echo" => new EchoTransformer(),
            "md5" => new HashTransformer(HashTransformer.Md5),
            "sha256" => new HashTransformer(HashTransformer.Sha256),
            "gzip" => new GzipTransformer(),
            "gunzip" => new GunzipTransformer(),
            "upper" => new UpperTransformer(),
            "hello" => new HelloTransformer(),
            "exec" when options.Rest.Count > 0 => new ExecTransformer(options.Rest),
            "fail-on" => new FailOnTransformer(Environment.GetEnvironmentVariable("FAIL_ON")),
            "whoami" => new WhoAmITransformer(),
            "args" => new ArgsTransformer(),
            _ => null,
        };
        return transformer is not null;
    }
}
