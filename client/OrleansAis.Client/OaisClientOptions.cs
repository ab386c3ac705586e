using Microsoft.Extensions.Options;

namespace OrleansAis.Client;

/// <summary>Which way <see cref="OaisClient"/> talks to the cluster.</summary>
public enum ObjectTransport
{
    /// <summary>HTTP when the nodes publish HTTP endpoints (or <see cref="OaisClientOptions.Endpoints"/> are set), else grain calls.</summary>
    Auto,
    /// <summary>Grain calls through the Orleans gateway, object bytes in bounded chunks (no HTTP port needed).</summary>
    Grain,
    /// <summary>HTTP: object requests straight to their owner, everything else to any node.</summary>
    Http,
}

/// <summary>Configuration section <c>OaisClient</c> (<see cref="SectionName"/>).</summary>
public sealed class OaisClientOptions
{
    public const string SectionName = "OaisClient";

    public ObjectTransport Transport { get; set; } = ObjectTransport.Auto;

    /// <summary>Bytes per grain call on the chunked path (at most <see cref="Grains.Transfer.MaxChunkBytes"/>).</summary>
    public int ChunkBytes { get; set; } = Grains.Transfer.ChunkBytes;

    /// <summary>
    /// HTTP endpoints of some of the cluster's nodes (<c>http://host:8080</c>), where the client first loads the node
    /// list. Needed without an Orleans client; with one, the list comes through the gateway.
    /// </summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>
    /// How old the client's node list may get before it is reloaded (in the background), so joins and leaves are seen
    /// within about this long. A node that answers "not mine" makes it reload at once.
    /// </summary>
    public TimeSpan ClusterRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Refuses options the client cannot work with, naming the option.</summary>
public sealed class OaisClientOptionsValidator : IValidateOptions<OaisClientOptions>
{
    public ValidateOptionsResult Validate(string? name, OaisClientOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IEnumerable<string> Problems(OaisClientOptions options)
    {
        if (options.ChunkBytes is <= 0 or > Grains.Transfer.MaxChunkBytes)
            yield return $"{nameof(OaisClientOptions.ChunkBytes)} must be 1..{Grains.Transfer.MaxChunkBytes}, not {options.ChunkBytes}";
        if (options.ClusterRefreshInterval <= TimeSpan.Zero)
            yield return $"{nameof(OaisClientOptions.ClusterRefreshInterval)} must be positive, not {options.ClusterRefreshInterval}";
        foreach (var endpoint in options.Endpoints)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                yield return $"{nameof(OaisClientOptions.Endpoints)}: '{endpoint}' is not an http:// or https:// URL";
        }
    }

    internal static void EnsureValid(OaisClientOptions options)
    {
        var problems = Problems(options).ToList();
        if (problems.Count > 0) throw new OptionsValidationException(nameof(OaisClientOptions), typeof(OaisClientOptions), problems);
    }
}
