using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

namespace OrleansAis.Jobs;

/// <summary>How offline jobs ride out node losses and restarts. Bound from the "Jobs" configuration section.</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// How long a job waits for a node that went down (crashed, or stopped without leaving) to come back and resume its
    /// share; past it the job ends Interrupted. Its objects live on that node's disks, so nobody else can do them meanwhile.
    /// </summary>
    public TimeSpan NodeDownTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a restarted node waits for its transformer to run again (and itself to own its share) before its resumed share fails.</summary>
    public TimeSpan ResumeTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the job checks on its nodes while it runs (a node that came back, left, or stayed down).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Problems()
    {
        if (NodeDownTimeout <= TimeSpan.Zero) yield return $"{Section}:NodeDownTimeout must be more than zero (is {NodeDownTimeout})";
        if (ResumeTimeout <= TimeSpan.Zero) yield return $"{Section}:ResumeTimeout must be more than zero (is {ResumeTimeout})";
        if (CheckInterval < TimeSpan.FromMilliseconds(100)) yield return $"{Section}:CheckInterval must be at least 100 ms (is {CheckInterval})";
    }

    /// <summary>Refuses to start a silo with unusable Jobs settings.</summary>
    public sealed class Validator : IValidateOptions<JobOptions>
    {
        public ValidateOptionsResult Validate(string? name, JobOptions options) => OptionsValidation.Result(options.Problems());
    }
}
