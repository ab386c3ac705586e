namespace OrleansAis.Benchmarks.Targets;

/// <summary>Somewhere objects can be written and read by name: the store under test, or a baseline doing the same work.</summary>
public interface IObjectTarget
{
    /// <summary>How the report names this target.</summary>
    string Label { get; }

    /// <summary>Makes the target ready (e.g. creates its bucket or folder) before anything is measured.</summary>
    Task PrepareAsync(CancellationToken ct);

    Task PutAsync(string name, byte[] content, CancellationToken ct);

    /// <summary>Reads the whole object; returns how many bytes arrived.</summary>
    Task<long> GetAsync(string name, CancellationToken ct);
}
