using System.CommandLine;
using OrleansAis.Loader.Options;
using OrleansAis.Units;

namespace OrleansAis.Loader.Chaos;

/// <summary>The <c>chaos</c> subcommand: a randomized fault run on a cluster of its own (see docs/LOADER.md, "Chaos mode").</summary>
internal static class ChaosCommand
{
    private static readonly Option<string> Duration = new("--duration") { Description = "How long faults are injected, e.g. 2m, 20m", DefaultValueFactory = _ => "2m" };
    private static readonly Option<int> Silos = new("--silos") { Description = "Silos to start with (3..8)", DefaultValueFactory = _ => 3 };
    private static readonly Option<int> MaxSilos = new("--max-silos") { Description = "Silos the run may grow to by adding (at least --silos)", DefaultValueFactory = _ => 4 };
    private static readonly Option<int> Writers = new("--writers") { Description = "Concurrent writers, each with its own keys", DefaultValueFactory = _ => 4 };
    private static readonly Option<int> Keys = new("--keys") { Description = "Keys, half in an unmirrored bucket, half with copies: 2", DefaultValueFactory = _ => 400 };
    private static readonly Option<string> FaultEvery = new("--fault-every") { Description = "Mean time between faults, e.g. 12s", DefaultValueFactory = _ => "12s" };
    private static readonly Option<int?> Seed = new("--seed") { Description = "Seed of the fault schedule and of the writers (default: random, printed)" };
    private static readonly Option<string> Script = new("--cluster-script") { Description = "scripts/cluster.sh of the repository (default: found above this program's folder)" };
    private static readonly Option<string> SiloDll = new("--silo-dll") { Description = "The built OrleansAis.Silo.dll (default: cluster.sh picks the newest build)" };
    private static readonly Option<string> BaseDir = new("--base-dir") { Description = "Folder for the cluster's data and logs, kept afterwards (default: a temp folder, deleted)" };
    private static readonly Option<bool> Json = new("--json") { Description = "Final counts as JSON on stdout" };

    public static Command Build()
    {
        var command = new Command("chaos",
            "Randomized fault check: starts a cluster (scripts/cluster.sh), writers read back what they wrote while silos are killed (-9), " +
            "restarted, added and decommissioned at random, then every key is checked. Exit 1 on any lost, stale or wrong-bytes read.")
        {
            Duration, Silos, MaxSilos, Writers, Keys, FaultEvery, Seed, Script, SiloDll, BaseDir, Json,
        };
        command.SetAction(async (parse, ct) =>
        {
            ChaosOptions options;
            try
            {
                options = new ChaosOptions
                {
                    Duration = ParseDuration("--duration", parse.GetValue(Duration)!),
                    Silos = Range("--silos", parse.GetValue(Silos), 3, 8),
                    MaxSilos = Range("--max-silos", parse.GetValue(MaxSilos), parse.GetValue(Silos), 8),
                    Writers = Range("--writers", parse.GetValue(Writers), 1, 64),
                    Keys = Range("--keys", parse.GetValue(Keys), parse.GetValue(Writers), 100_000),
                    FaultEvery = ParseDuration("--fault-every", parse.GetValue(FaultEvery)!),
                    Seed = parse.GetValue(Seed) ?? Environment.TickCount,
                    Script = parse.GetValue(Script) ?? FindScript(),
                    SiloDll = parse.GetValue(SiloDll),
                    BaseDir = parse.GetValue(BaseDir),
                    Json = parse.GetValue(Json),
                };
            }
            catch (UsageException e)
            {
                await Console.Error.WriteLineAsync($"oais-loader chaos: {e.Message}\nSee 'oais-loader chaos --help'.");
                return ExitCodes.Usage;
            }
            return await ChaosRun.RunAsync(options, ct);
        });
        return command;
    }

    private static TimeSpan ParseDuration(string flag, string text)
    {
        try
        {
            var value = GoDuration.Parse(text);
            return value > TimeSpan.Zero ? value : throw new UsageException($"{flag} must be more than zero (is '{text}')");
        }
        catch (FormatException e)
        {
            throw new UsageException($"{flag}: {e.Message}");
        }
    }

    private static int Range(string flag, int value, int min, int max) =>
        value >= min && value <= max ? value : throw new UsageException($"{flag} must be from {min} to {max} (is {value})");

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "scripts", "cluster.sh");
            if (File.Exists(script)) return script;
        }
        throw new UsageException("scripts/cluster.sh not found above this program's folder; pass --cluster-script");
    }
}
