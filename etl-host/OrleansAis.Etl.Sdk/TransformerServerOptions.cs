using OrleansAis.Etl.Protocol;

namespace OrleansAis.Etl.Sdk;

/// <summary>How the host serves: port, stdio mode, concurrency, the silo to fetch objects from, and leftover arguments.</summary>
public sealed class TransformerServerOptions
{
    public const int DefaultPort = 8000;

    /// <summary>--port, else PORT, else 8000 (AIStore's transformer port). 0 picks a free port (reported in <see cref="PortFile"/>).</summary>
    public int Port { get; init; } = DefaultPort;
    /// <summary>--stdio: transform stdin to stdout once and exit (io://).</summary>
    public bool Stdio { get; init; }
    /// <summary>Transforms running at once; more requests wait (--max-concurrency, else MAX_CONCURRENCY).</summary>
    public int MaxConcurrency { get; init; } = Environment.ProcessorCount * 2;
    /// <summary>The silo's raw-object endpoint for this ETL (AIS_TARGET_URL): hpull/hrev fetch objects from it.</summary>
    public string? TargetUrl { get; init; }
    /// <summary>A Unix socket to listen on besides the port (OAIS_ETL_SOCKET): the silo's own requests use it.</summary>
    public string? SocketPath { get; init; }
    /// <summary>The silo's Unix socket (OAIS_TARGET_SOCKET): requests to AIS_TARGET_URL's host go over it.</summary>
    public string? TargetSocket { get; init; }
    /// <summary>Where to report the bound TCP port once listening (OAIS_ETL_PORT_FILE): how the silo learns a port 0 picked.</summary>
    public string? PortFile { get; init; }
    /// <summary>Arguments that are not options, and everything after <c>--</c> (e.g. a command for the exec transformer).</summary>
    public IReadOnlyList<string> Rest { get; init; } = [];

    /// <summary>Command-line options over environment variables over defaults.</summary>
    public static TransformerServerOptions Parse(IReadOnlyList<string> args)
    {
        // PORT=0 is how a silo asks for a port picked here (and reported in the port file), so 0 counts.
        var port = int.TryParse(Environment.GetEnvironmentVariable(TransformerEnvironment.Port), out var p) && p >= 0 ? p : DefaultPort;
        var concurrency = PositiveOrNull(Environment.GetEnvironmentVariable("MAX_CONCURRENCY")) ?? Environment.ProcessorCount * 2;
        var stdio = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--port":
                    port = NumberAfter(args, ref i, min: 0);
                    break;
                case "--max-concurrency":
                    concurrency = NumberAfter(args, ref i, min: 1);
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
            TargetUrl = Environment.GetEnvironmentVariable(TransformerEnvironment.TargetUrl),
            SocketPath = NonEmpty(Environment.GetEnvironmentVariable(TransformerEnvironment.ListenSocket)),
            TargetSocket = NonEmpty(Environment.GetEnvironmentVariable(TransformerEnvironment.TargetSocket)),
            PortFile = NonEmpty(Environment.GetEnvironmentVariable(TransformerEnvironment.PortFile)),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static int? PositiveOrNull(string? value) => int.TryParse(value, out var n) && n > 0 ? n : null;

    private static int NumberAfter(IReadOnlyList<string> args, ref int i, int min)
    {
        var option = args[i];
        if (++i < args.Count && int.TryParse(args[i], out var n) && n >= min) return n;
        throw new ArgumentException($"{option} needs a number of at least {min}");
    }
}
