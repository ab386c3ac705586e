using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

namespace OrleansAis.Status;

/// <summary>How status pages (cluster, ETLs, jobs) ask the nodes. Bound from the "Status" configuration section.</summary>
public sealed class StatusOptions
{
    public const string Section = "Status";

    /// <summary>
    /// The longest a status page waits for one node. A node that has not answered by then is shown unreachable, so a
    /// crashed silo whose death membership has not declared yet (its calls hang or are rejected) does not fail the page.
    /// </summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>What is wrong with these settings, each naming its configuration key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (NodeTimeout <= TimeSpan.Zero || NodeTimeout > TimeSpan.FromMinutes(5))
            yield return $"{Section}:NodeTimeout must be more than zero and at most 5 minutes (is {NodeTimeout})";
    }

    /// <summary>Refuses to start a silo with unusable Status settings.</summary>
    public sealed class Validator : IValidateOptions<StatusOptions>
    {
        public ValidateOptionsResult Validate(string? name, StatusOptions options) => OptionsValidation.Result(options.Problems());
    }
}
