using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

namespace OrleansAis.Silo.Http;

/// <summary>
/// How long a request proxied to an object's owner may wait on it. Bound from the "Proxy" configuration section. An
/// owner that was just killed (and is not yet declared dead) must cost the client a prompt 503, not a hung connection.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>Connecting to the owner.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// From the moment the whole request body has been sent to the owner until its answer's headers arrive (the owner
    /// commits in this time: fsync, mirror copies). The upload itself is not bounded; it moves as fast as the client sends.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Problems()
    {
        if (ConnectTimeout <= TimeSpan.Zero) yield return $"{Section}:ConnectTimeout must be more than zero (is {ConnectTimeout})";
        if (ResponseTimeout <= TimeSpan.Zero) yield return $"{Section}:ResponseTimeout must be more than zero (is {ResponseTimeout})";
    }

    public sealed class Validator : IValidateOptions<ProxyOptions>
    {
        public ValidateOptionsResult Validate(string? name, ProxyOptions options) => OptionsValidation.Result(options.Problems());
    }
}
