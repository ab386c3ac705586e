using OrleansAis.Etl;

namespace OrleansAis.Events;

public enum EtlEventKind
{
    /// <summary>The ETL's transformer on a node reached a stage (initializing, running, aborted).</summary>
    Stage = 0,
    /// <summary>The transformer on a node exited unexpectedly and is being started again.</summary>
    Restarted = 1,
}

/// <summary>Something happened to one ETL on one node.</summary>
[GenerateSerializer, Immutable, Alias("oais.EtlEvent")]
public sealed class EtlEvent
{
    [Id(0)] public EtlEventKind Kind { get; init; }
    [Id(1)] public required string Etl { get; init; }
    [Id(2)] public required string Node { get; init; }
    [Id(3)] public EtlStage Stage { get; init; }
    [Id(4)] public int Restarts { get; init; }
    /// <summary>Why: the abort reason or the crash that caused a restart; null otherwise.</summary>
    [Id(5)] public string? Reason { get; init; }
    [Id(6)] public DateTimeOffset Time { get; init; }
}
