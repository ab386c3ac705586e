namespace OrleansAis.Loader.Chaos;

/// <summary>What <c>oais-loader chaos</c> runs: its own cluster (scripts/cluster.sh), writers with read-back, and faults.</summary>
internal sealed record ChaosOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(2);
    public int Silos { get; init; } = 3;
    public int MaxSilos { get; init; } = 4;
    public int Writers { get; init; } = 4;
    public int Keys { get; init; } = 400;
    public int Seed { get; init; } = Environment.TickCount;
    /// <summary>Mean time between two faults.</summary>
    public TimeSpan FaultEvery { get; init; } = TimeSpan.FromSeconds(12);
    public required string Script { get; init; }
    public string? SiloDll { get; init; }
    public string? BaseDir { get; init; }
    public bool Json { get; init; }
}
