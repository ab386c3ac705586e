namespace OrleansAis.Silo.Configuration;

public enum ClusteringMode
{
    /// <summary>One silo on loopback (the default).</summary>
    Localhost,
    /// <summary>Several silos on one machine, distinct ports, joined through a primary silo's endpoint.</summary>
    Development,
    /// <summary>Several machines; membership in Redis.</summary>
    Redis,
}

/// <summary>How this silo process joins a cluster and where it listens. Bound from the "Silo" configuration section.</summary>
public sealed class SiloHostOptions
{
    public const string Section = "Silo";

    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;
    public string ClusterId { get; set; } = "oais";
    public string ServiceId { get; set; } = "oais";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    public int HttpPort { get; set; } = 8080;

    /// <summary>Where Kestrel binds: "localhost", "*" (all interfaces) or an address.</summary>
    public string ListenAddress { get; set; } = "localhost";

    /// <summary>The host name or address other silos and clients use to reach this one (redirects, Orleans endpoints).</summary>
    public string AdvertisedHost { get; set; } = "localhost";

    /// <summary>Development clustering: the primary silo's silo-to-silo endpoint (host:port); defaults to this silo's.</summary>
    public string? PrimarySiloEndpoint { get; set; }

    /// <summary>Redis clustering (and cluster-state storage): a StackExchange.Redis configuration string.</summary>
    public string? RedisConnectionString { get; set; }

    public string HttpUrl => $"http://{AdvertisedHost}:{HttpPort}";

    /// <summary>A node id that stays the same across restarts of this silo on this machine and port.</summary>
    public string DefaultNodeId => $"{Environment.MachineName.ToLowerInvariant()}-{SiloPort}";
}
