using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

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

    /// <summary>What is wrong with these settings, each naming its configuration key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Enum.IsDefined(Clustering)) yield return $"{Section}:Clustering must be localhost, development or redis (is {Clustering})";
        if (string.IsNullOrWhiteSpace(ClusterId)) yield return $"{Section}:ClusterId is empty";
        if (string.IsNullOrWhiteSpace(ServiceId)) yield return $"{Section}:ServiceId is empty";
        if (SiloPort is < 0 or > 65535) yield return $"{Section}:SiloPort must be a port from 0 to 65535 (is {SiloPort})";
        if (GatewayPort is < 0 or > 65535) yield return $"{Section}:GatewayPort must be a port from 0 (no gateway) to 65535 (is {GatewayPort})";
        // The port is advertised (HttpUrl), so it must be the one Kestrel listens on: no 0 for "any free port".
        if (HttpPort is < 1 or > 65535) yield return $"{Section}:HttpPort must be a port from 1 to 65535 (is {HttpPort})";
        if (string.IsNullOrWhiteSpace(ListenAddress)) yield return $"{Section}:ListenAddress is empty";
        if (string.IsNullOrWhiteSpace(AdvertisedHost)) yield return $"{Section}:AdvertisedHost is empty";
    }

    /// <summary>Refuses to start a silo with unusable Silo settings.</summary>
    public sealed class Validator : IValidateOptions<SiloHostOptions>
    {
        public ValidateOptionsResult Validate(string? name, SiloHostOptions options) => OptionsValidation.Result(options.Problems());
    }
}
