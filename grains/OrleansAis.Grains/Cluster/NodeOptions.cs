namespace OrleansAis.Cluster;

/// <summary>Who this storage silo is to the rest of the cluster. Bound from the "Node" configuration section.</summary>
public sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>
    /// Stable id, hashed for ownership. It must survive restarts (a silo's address changes with every incarnation,
    /// which would reshuffle ownership) and be unique in the cluster.
    /// </summary>
    public string? Id { get; set; }

    /// <summary>Base URL of this silo's HTTP API as other silos and clients should reach it (redirect target).</summary>
    public string? HttpUrl { get; set; }

    public string RequiredId => string.IsNullOrWhiteSpace(Id) ? throw new InvalidOperationException("Node:Id must be set") : Id;
}

/// <summary>Silo metadata keys through which nodes learn each other's id and HTTP endpoint.</summary>
public static class NodeMetadata
{
    public const string NodeId = "oais.node-id";
    public const string HttpUrl = "oais.http-url";
}
