using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

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

    /// <summary>What is wrong with these settings, each naming its configuration key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Id)) yield return $"{Section}:Id must be set";
        if (HttpUrl is not null && !(Uri.TryCreate(HttpUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
            yield return $"{Section}:HttpUrl '{HttpUrl}' is not an absolute http:// or https:// URL";
    }

    /// <summary>Refuses to start a silo with unusable Node settings.</summary>
    public sealed class Validator : IValidateOptions<NodeOptions>
    {
        public ValidateOptionsResult Validate(string? name, NodeOptions options) => OptionsValidation.Result(options.Problems());
    }
}

/// <summary>Silo metadata keys through which nodes learn each other's id and HTTP endpoint.</summary>
public static class NodeMetadata
{
    public const string NodeId = "oais.node-id";
    public const string HttpUrl = "oais.http-url";
}
