namespace OrleansAis.Etl.Sdk;

/// <summary>One object to transform.</summary>
public sealed class TransformRequest
{
    /// <summary>The object's bytes (in fqn mode, the local file opened read-only).</summary>
    public required Stream Input { get; init; }
    public required string Bucket { get; init; }
    public required string ObjectName { get; init; }
    /// <summary>The caller's <c>etl_args</c>, if any.</summary>
    public string? EtlArgs { get; init; }
    /// <summary>The local path the object was read from in fqn mode, else null.</summary>
    public string? Fqn { get; init; }
}
