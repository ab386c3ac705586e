using System.CommandLine;
using System.CommandLine.Invocation;
using OrleansAis.Units;

namespace OrleansAis.Loader.Options;

/// <summary>The flags of <c>oais-loader</c> (named after AIStore's aisloader where it has one), and the entry point.</summary>
internal static class LoaderCommandLine
{
    public const string EndpointVariable = "OAIS_ENDPOINT";
    public const string DefaultEndpoint = "http://localhost:8080";
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(1);

    private static readonly string Description =
        "oais-loader: load generator and stress tester for OrleansAis (modelled on AIStore's aisloader).\n" +
        "PUTs and GETs random objects of a fixed name set through the HTTP API of one or more silos, prints live progress " +
        "on stderr and a final report (text, or JSON with --json).\n" + ExitCodes.Help;

    private static readonly Option<string[]> Endpoint = new("--endpoint")
    {
        Description = $"Silo HTTP endpoint; repeat or comma-separate for several (requests go round-robin). Default ${EndpointVariable}, else {DefaultEndpoint}",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<string> Bucket = new("--bucket") { Description = "Bucket to load (created if missing)", Required = true };
    private static readonly Option<bool> NoCreate = new("--no-create") { Description = "Fail instead of creating a missing bucket" };
    private static readonly Option<string> Duration = new("--duration") { Description = "Run time, e.g. 30s, 2m (default 1m unless --max-ops is given)" };
    private static readonly Option<long?> MaxOps = new("--max-ops") { Description = "Stop after this many operations (whichever of --duration and --max-ops comes first)" };
    private static readonly Option<int> Workers = new("--workers") { Description = "Concurrent workers", DefaultValueFactory = _ => 10 };
    private static readonly Option<string> Size = new("--size") { Description = "Object size, e.g. 4KiB, 1MiB (default 1MiB)" };
    private static readonly Option<string> MinSize = new("--min-size") { Description = "Smallest object size (random per object between --min-size and --max-size)" };
    private static readonly Option<string> MaxSize = new("--max-size") { Description = "Largest object size" };
    private static readonly Option<int> PctPut = new("--pct-put") { Description = "Percentage of PUTs, 0..100; the rest are GETs", DefaultValueFactory = _ => 0 };
    private static readonly Option<int> Objects = new("--objects") { Description = "Number of distinct object names ({prefix}{index})", DefaultValueFactory = _ => 1000 };
    private static readonly Option<string> Prefix = new("--prefix") { Description = "Object name prefix", DefaultValueFactory = _ => "loader-" };
    private static readonly Option<bool> Cleanup = new("--cleanup") { Description = "Delete the objects this run wrote at the end (and the bucket, if the run created it)" };
    private static readonly Option<bool> NoPrefill = new("--no-prefill") { Description = "Do not write the object set before reading from an empty bucket" };
    private static readonly Option<long> Seed = new("--seed") { Description = "Seed of object contents, sizes and operation choices", DefaultValueFactory = _ => 1 };
    private static readonly Option<string> StatsInterval = new("--stats-interval") { Description = "Live progress period on stderr, e.g. 5s; 0 turns it off", DefaultValueFactory = _ => "10s" };
    private static readonly Option<bool> Json = new("--json") { Description = "Final report as JSON on stdout" };
    private static readonly Option<string> Etl = new("--etl") { Description = "GETs read through this existing ETL (?etl_name=NAME)" };
    private static readonly Option<string> EtlBuiltin = new("--etl-builtin") { Description = "Start a built-in transformer for the run and remove it after: echo|md5|sha256|gzip|hello" };
    private static readonly Option<string> Comm = new("--comm") { Description = "Communicator for --etl-builtin: hpush|hpull|hrev|ws|io", DefaultValueFactory = _ => "hpush" };
    private static readonly Option<bool> Verify = new("--verify") { Description = "Check the content of every GET (xxhash64; md5/sha256/echo ETLs against the original)" };
    private static readonly Option<bool> Stress = new("--stress") { Description = "Keep going through failures (silo restarts), list every failed or wrong read, exit 0" };
    private static readonly Option<string> Timeout = new("--timeout") { Description = "Per-request timeout", DefaultValueFactory = _ => "60s" };

    public static RootCommand Build(Func<LoaderOptions, CancellationToken, Task<int>> run)
    {
        EtlBuiltin.AcceptOnlyFromAmong(Enum.GetNames<BuiltinTransform>().Select(n => n.ToLowerInvariant()).ToArray());
        Comm.AcceptOnlyFromAmong(Enum.GetNames<Communicator>().Select(n => n.ToLowerInvariant()).ToArray());
        var root = new RootCommand(Description)
        {
            Endpoint, Bucket, NoCreate, Duration, MaxOps, Workers, Size, MinSize, MaxSize, PctPut, Objects, Prefix, Cleanup,
            NoPrefill, Seed, StatsInterval, Json, Etl, EtlBuiltin, Comm, Verify, Stress, Timeout,
        };
        root.Subcommands.Add(Chaos.ChaosCommand.Build());
        root.SetAction(async (parse, ct) =>
        {
            LoaderOptions options;
            try
            {
                options = ToOptions(parse, Environment.GetEnvironmentVariable(EndpointVariable));
            }
            catch (UsageException e)
            {
                await Console.Error.WriteLineAsync($"oais-loader: {e.Message}\nSee 'oais-loader --help'.");
                return ExitCodes.Usage;
            }
            return await run(options, ct);
        });
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build(Workload.LoadRun.RunAsync).Parse(args);
        if (parse.Action is ParseErrorAction errors)
        {
            errors.ShowHelp = false;
            errors.Invoke(parse);
            await Console.Error.WriteLineAsync("See 'oais-loader --help'.");
            return ExitCodes.Usage;
        }
        // The run handles Ctrl+C / SIGTERM itself (finish in-flight requests, then report), so no forced termination.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>Turns parsed flags into validated options; <paramref name="endpointVariable"/> is $OAIS_ENDPOINT.</summary>
    internal static LoaderOptions ToOptions(ParseResult parse, string? endpointVariable)
    {
        var (minSize, maxSize) = Sizes(parse);
        var duration = parse.GetValue(Duration) is { } d ? ParseDuration(d, "--duration") : (TimeSpan?)null;
        var maxOps = parse.GetValue(MaxOps);
        if (duration is null && maxOps is null) duration = DefaultDuration;
        if (duration is { } positive && positive <= TimeSpan.Zero) throw new UsageException("--duration must be positive");
        if (maxOps is < 1) throw new UsageException("--max-ops must be at least 1");

        var options = new LoaderOptions
        {
            Endpoints = Endpoints(parse.GetValue(Endpoint), endpointVariable),
            Bucket = parse.GetRequiredValue(Bucket),
            CreateBucket = !parse.GetValue(NoCreate),
            Duration = duration,
            MaxOps = maxOps,
            Workers = Range(parse.GetValue(Workers), "--workers", 1, 10_000),
            MinSize = minSize,
            MaxSize = maxSize,
            PctPut = Range(parse.GetValue(PctPut), "--pct-put", 0, 100),
            Objects = Range(parse.GetValue(Objects), "--objects", 1, 100_000_000),
            Prefix = parse.GetValue(Prefix) ?? "",
            Cleanup = parse.GetValue(Cleanup),
            Prefill = !parse.GetValue(NoPrefill),
            Seed = parse.GetValue(Seed),
            StatsInterval = ParseDuration(parse.GetValue(StatsInterval) ?? "0", "--stats-interval"),
            Json = parse.GetValue(Json),
            Etl = EtlChoice(parse),
            Verify = parse.GetValue(Verify),
            Stress = parse.GetValue(Stress),
            RequestTimeout = ParseDuration(parse.GetValue(Timeout) ?? "60s", "--timeout"),
        };
        if (options.RequestTimeout <= TimeSpan.Zero) throw new UsageException("--timeout must be positive");
        return options;
    }

    private static (long Min, long Max) Sizes(ParseResult parse)
    {
        var size = parse.GetValue(Size);
        var min = parse.GetValue(MinSize);
        var max = parse.GetValue(MaxSize);
        if (size is not null && (min is not null || max is not null))
            throw new UsageException("give either --size or --min-size/--max-size, not both");
        if (size is not null)
        {
            var fixedSize = ParseSize(size, "--size");
            return (fixedSize, fixedSize);
        }
        if (min is null && max is null) return (1 << 20, 1 << 20);
        if (min is null || max is null) throw new UsageException("--min-size and --max-size go together");
        var (lo, hi) = (ParseSize(min, "--min-size"), ParseSize(max, "--max-size"));
        return lo <= hi ? (lo, hi) : throw new UsageException($"--min-size ({min}) is larger than --max-size ({max})");
    }

    private static EtlSelection? EtlChoice(ParseResult parse)
    {
        var name = parse.GetValue(Etl);
        var builtin = parse.GetValue(EtlBuiltin);
        var commGiven = parse.GetResult(Comm) is { Implicit: false };
        if (name is not null && builtin is not null) throw new UsageException("give either --etl or --etl-builtin, not both");
        if (commGiven && builtin is null) throw new UsageException("--comm only applies to --etl-builtin (an existing --etl keeps its own communicator)");
        if (name is not null) return string.IsNullOrWhiteSpace(name) ? throw new UsageException("--etl needs a name") : EtlSelection.Existing(name);
        if (builtin is null) return null;
        return EtlSelection.ForBuiltin(Enum.Parse<BuiltinTransform>(builtin, ignoreCase: true),
            Enum.Parse<Communicator>(parse.GetValue(Comm) ?? "hpush", ignoreCase: true));
    }

    /// <summary>Flag values (each may be a comma list), else the environment variable (also a comma list), else the default.</summary>
    internal static IReadOnlyList<Uri> Endpoints(string[]? flags, string? variable)
    {
        var (texts, source) = flags is { Length: > 0 } ? (flags, "--endpoint")
            : !string.IsNullOrWhiteSpace(variable) ? ([variable], EndpointVariable)
            : ([DefaultEndpoint], "default");
        var endpoints = new List<Uri>();
        foreach (var text in texts.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var withSlash = text.EndsWith('/') ? text : text + "/";
            if (!Uri.TryCreate(withSlash, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new UsageException($"{source} '{text}' is not an http:// or https:// URL");
            endpoints.Add(uri);
        }
        return endpoints.Count > 0 ? endpoints : throw new UsageException($"{source} names no endpoint");
    }

    private static int Range(int value, string flag, int min, int max) =>
        value >= min && value <= max ? value : throw new UsageException($"{flag} must be between {min} and {max} (got {value})");

    /// <summary>A <see cref="GoDuration"/> (zero allowed: --stats-interval 0 turns progress off), a usage error otherwise.</summary>
    private static TimeSpan ParseDuration(string text, string flag)
    {
        try
        {
            return GoDuration.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{flag} {e.Message}");
        }
    }

    /// <summary>A <see cref="ByteSize"/> (KiB/Ki powers of 1024, KB/K powers of 1000), a usage error otherwise.</summary>
    private static long ParseSize(string text, string flag)
    {
        try
        {
            return ByteSize.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{flag} {e.Message}");
        }
    }
}
