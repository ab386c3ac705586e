using System.Globalization;

namespace OrleansAis.Samples.TrainingLoop;

/// <summary>The command line: <c>--endpoint URL --bucket B [--prefix P] [--etl NAME] [--epochs N] [--parallelism N] [--seed N] [--create N --size BYTES]</c>.</summary>
public sealed record TrainingLoopOptions
{
    public Uri Endpoint { get; init; } = new("http://localhost:8080");
    public string Bucket { get; init; } = "train";
    public string Prefix { get; init; } = "";
    public string? Etl { get; init; }
    public int Epochs { get; init; } = 3;
    public int Parallelism { get; init; } = 16;
    public int Seed { get; init; } = 42;
    /// <summary>When set, first writes this many samples of <see cref="SampleBytes"/> bytes (a synthetic dataset).</summary>
    public int Create { get; init; }
    public int SampleBytes { get; init; } = 64 << 10;

    public const string Usage =
        "usage: oais-training-loop --endpoint http://localhost:8080 --bucket train [--prefix P] [--etl NAME] [--epochs 3] " +
        "[--parallelism 16] [--seed 42] [--create N --size BYTES]";

    public static TrainingLoopOptions Parse(string[] args)
    {
        var options = new TrainingLoopOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            options = args[i] switch
            {
                "--endpoint" => options with { Endpoint = new Uri(value) },
                "--bucket" => options with { Bucket = value },
                "--prefix" => options with { Prefix = value },
                "--etl" => options with { Etl = value },
                "--epochs" => options with { Epochs = Positive(args[i], value) },
                "--parallelism" => options with { Parallelism = Positive(args[i], value) },
                "--seed" => options with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--create" => options with { Create = Positive(args[i], value) },
                "--size" => options with { SampleBytes = Positive(args[i], value) },
                _ => throw new ArgumentException($"unknown option {args[i]}. {Usage}"),
            };
            i++;
        }
        return options;
    }

    private static int Positive(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{option}: '{value}' is not a positive whole number");
}
