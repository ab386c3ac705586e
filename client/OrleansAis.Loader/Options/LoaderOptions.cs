namespace OrleansAis.Loader.Options;

/// <summary>Everything one run needs, validated; built from the command line by <see cref="LoaderCommandLine"/>.</summary>
internal sealed record LoaderOptions
{
    public required IReadOnlyList<Uri> Endpoints { get; init; }
    public required string Bucket { get; init; }
    public bool CreateBucket { get; init; } = true;

    /// <summary>Stop starting operations after this long (null: only <see cref="MaxOps"/> ends the run).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Stop after this many operations, successful or not (null: only <see cref="Duration"/> ends the run).</summary>
    public long? MaxOps { get; init; }

    public int Workers { get; init; } = 10;
    public long MinSize { get; init; } = 1 << 20;
    public long MaxSize { get; init; } = 1 << 20;
    public int PctPut { get; init; }
    public int Objects { get; init; } = 1000;
    public string Prefix { get; init; } = "loader-";
    public bool Cleanup { get; init; }
    public bool Prefill { get; init; } = true;
    public long Seed { get; init; } = 1;

    /// <summary>Live progress period on stderr (zero: none).</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(10);

    public bool Json { get; init; }
    public EtlSelection? Etl { get; init; }
    public bool Verify { get; init; }
    public bool Stress { get; init; }
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many failures the report lists one by one (the counts are always complete).</summary>
    public int MaxListedFailures { get; init; } = 10_000;
}
