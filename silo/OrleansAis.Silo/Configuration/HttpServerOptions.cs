using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

namespace OrleansAis.Silo.Configuration;

/// <summary>Limits of the silo's HTTP server (Kestrel) against slow or idle clients. Bound from the "Http" configuration section.</summary>
public sealed class HttpServerOptions
{
    public const string Section = "Http";

    /// <summary>
    /// The longest a client may take to send a request's headers (Kestrel's RequestHeadersTimeout); after it the
    /// connection is answered 408 and closed, so a slow-header client cannot hold a connection. Kestrel's own
    /// default is 30 s.
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle keep-alive connection stays open (Kestrel's KeepAliveTimeout).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>What is wrong with these settings, each naming its configuration key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (RequestHeadersTimeout <= TimeSpan.Zero || RequestHeadersTimeout > TimeSpan.FromHours(1))
            yield return $"{Section}:RequestHeadersTimeout must be more than zero and at most 1 hour (is {RequestHeadersTimeout})";
        if (KeepAliveTimeout <= TimeSpan.Zero || KeepAliveTimeout > TimeSpan.FromHours(1))
            yield return $"{Section}:KeepAliveTimeout must be more than zero and at most 1 hour (is {KeepAliveTimeout})";
    }

    /// <summary>Refuses to start a silo with unusable Http settings.</summary>
    public sealed class Validator : IValidateOptions<HttpServerOptions>
    {
        public ValidateOptionsResult Validate(string? name, HttpServerOptions options) => OptionsValidation.Result(options.Problems());
    }
}
