namespace OrleansAis.Client;

/// <summary>How <see cref="OaisClient.ReadManyAsync(string, IEnumerable{string}, ReadManyOptions?, CancellationToken)"/> reads.</summary>
public sealed record ReadManyOptions
{
    /// <summary>Transform every object with this ETL on its owner (inline), with <see cref="EtlArgs"/>.</summary>
    public string? Etl { get; init; }

    public string? EtlArgs { get; init; }

    /// <summary>Reads in flight at once.</summary>
    public int Parallelism { get; init; } = 8;

    /// <summary>Yield in the order the names were given (else as reads complete).</summary>
    public bool Ordered { get; init; }

    /// <summary>
    /// Ordered only: how many objects may be read ahead of the one the caller waits for (default twice the parallelism).
    /// Together with the parallelism it bounds memory: at most about that many objects are held at once.
    /// </summary>
    public int? LookAhead { get; init; }

    internal int EffectiveLookAhead => Math.Max(LookAhead ?? 2 * Parallelism, Parallelism);

    internal void EnsureValid()
    {
        if (Parallelism is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "1..1024 reads at once");
        if (LookAhead is < 1) throw new ArgumentOutOfRangeException(nameof(LookAhead), LookAhead, "at least 1");
    }
}
