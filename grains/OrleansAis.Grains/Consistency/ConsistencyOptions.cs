using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

namespace OrleansAis.Consistency;

/// <summary>How a (re)joining node reconciles before it serves. Bound from the "Consistency" configuration section.</summary>
public sealed class ConsistencyOptions
{
    public const string Section = "Consistency";

    /// <summary>
    /// The longest one call to a peer may take while joining (asking whether it is ready, what it holds, telling it this
    /// node is ready). A peer that does not answer in time is asked again while membership still lists it.
    /// </summary>
    public TimeSpan PeerCallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a node remembers a user delete (a tombstone), so that an older copy on a node that was down meanwhile
    /// does not come back when that node returns. A node away for longer may bring deleted objects back.
    /// </summary>
    public TimeSpan TombstoneLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>What is wrong with these settings, each naming its configuration key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (PeerCallTimeout <= TimeSpan.Zero || PeerCallTimeout > TimeSpan.FromMinutes(10))
            yield return $"{Section}:PeerCallTimeout must be more than zero and at most 10 minutes (is {PeerCallTimeout})";
        if (TombstoneLifetime < TimeSpan.FromMinutes(1) || TombstoneLifetime > TimeSpan.FromDays(365))
            yield return $"{Section}:TombstoneLifetime must be from 1 minute to 365 days (is {TombstoneLifetime})";
    }

    /// <summary>Refuses to start a silo with unusable Consistency settings.</summary>
    public sealed class Validator : IValidateOptions<ConsistencyOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConsistencyOptions options) => OptionsValidation.Result(options.Problems());
    }
}
