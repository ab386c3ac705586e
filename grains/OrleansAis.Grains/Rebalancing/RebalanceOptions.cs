using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

namespace OrleansAis.Rebalancing;

/// <summary>How a node hands its objects over. Bound from the "Rebalance" configuration section.</summary>
public sealed class RebalanceOptions
{
    public const string Section = "Rebalance";

    /// <summary>
    /// Decommission on every graceful stop: hand every local object to its next owner before leaving. Off by default,
    /// because a restart (an upgrade, a reboot) should not move the node's share away and back; turn it on where a stop
    /// means the node is gone for good (e.g. scale-in). Otherwise decommission explicitly
    /// (<c>POST /v1/cluster/nodes/ID/decommission</c>). A stopped node's objects are unavailable until it returns.
    /// </summary>
    public bool DrainOnShutdown { get; set; }

    /// <summary>The longest a decommission runs; objects not moved by then stay on this node's disks.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Objects moved at once by one node.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>The longest <see cref="DrainTimeout"/> a cancellation timer takes (int.MaxValue milliseconds, about 24.8 days).</summary>
    public static readonly TimeSpan MaxDrainTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>What is wrong with these settings, each naming its configuration key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (DrainTimeout <= TimeSpan.Zero) yield return $"{Section}:DrainTimeout must be more than zero (is {DrainTimeout})";
        else if (DrainTimeout > MaxDrainTimeout) yield return $"{Section}:DrainTimeout must be at most {MaxDrainTimeout} (is {DrainTimeout})";
        if (Parallelism < 1) yield return $"{Section}:Parallelism must be at least 1 (is {Parallelism})";
    }

    /// <summary>Refuses to start a silo with unusable Rebalance settings.</summary>
    public sealed class Validator : IValidateOptions<RebalanceOptions>
    {
        public ValidateOptionsResult Validate(string? name, RebalanceOptions options) => OptionsValidation.Result(options.Problems());
    }
}
