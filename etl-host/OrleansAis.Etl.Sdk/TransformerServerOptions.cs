namespace OrleansAis.Etl.Sdk;

/// <summary>How the host serves: port (--port or PORT, default 8000), stdio mode (--stdio), concurrency.</summary>
public sealed class TransformerServerOptions
{
    public int Port { get; init; } = 8000;
    public bool Stdio { get; init; }
    /// <summary>Transforms running at once; more requests wait (--max-concurrency or MAX_CONCURRENCY).</summary>
    public int MaxConcurrency { get; init; } = Environment.ProcessorCount * 2;
    /// <summary>The silo's raw-object endpoint for this ETL (AIS_TARGET_URL): hpull/hrev fetch objects from it.</summary>
    public string? TargetUrl { get; init; }
    /// <summary>Arguments left after the options (e.g. a command for the exec transformer).</summary>
    public IReadOnlyList<string> Rest { get; init; } = [];

    public static TransformerServerOptions Parse(IReadOnlyList<string> args)
    {
        var port = int.TryParse(Environment.GetEnvironmentVariable("PORT"), out var p) ? p : 8000;
        var concurrency = int.TryParse(Environment.GetEnvironmentVariable("MAX_CONCURRENCY"), out var c) && c > 0 ? c : Environment.ProcessorCount * 2;
        var stdio = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Count:
                    port = int.Parse(args[++i]);
                    break;
                case "--max-concurrency" when i + 1 < args.Count:
                    concurrency = Math.Max(1, int.Parse(args[++i]));
                    break;
                case "--stdio":
                    stdio = true;
                    break;
                case "--":
                    rest.AddRange(args.Skip(i + 1));
                    i = args.Count;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        return new TransformerServerOptions
        {
            Port = port, Stdio = stdio, MaxConcurrency = concurrency, Rest = rest,
            TargetUrl = Environment.GetEnvironmentVariable("AIS_TARGET_URL"),
        };
    }
}
