using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

namespace OrleansAis.Follow;

/// <summary>How a node runs its share of the transform-on-write rules. Bound from the "Follow" configuration section.</summary>
public sealed class FollowOptions
{
    public const string Section = "Follow";

    /// <summary>
    /// How often each node walks its share of every rule's source and destination to fix what the write path missed
    /// (a crash before a queued transform ran, a full queue, a failed transform, objects that changed owner).
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon after a failed transform (or an ETL that is not running here yet) a reconcile pass retries it.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Source objects queued for transform at most, per node; beyond it writes are left to the next reconcile pass.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Transforms run at once on each node (the transformer's own concurrency limit bounds them too).</summary>
    public int Workers { get; set; } = 4;

    public IEnumerable<string> Problems()
    {
        if (ReconcileInterval < TimeSpan.FromSeconds(1) || ReconcileInterval > TimeSpan.FromDays(1))
            yield return $"{Section}:ReconcileInterval must be from 1 second to 1 day (is {ReconcileInterval})";
        if (RetryDelay < TimeSpan.FromMilliseconds(100) || RetryDelay > TimeSpan.FromHours(1))
            yield return $"{Section}:RetryDelay must be from 100 ms to 1 hour (is {RetryDelay})";
        if (QueueCapacity is < 1 or > 10_000_000)
            yield return $"{Section}:QueueCapacity must be from 1 to 10000000 (is {QueueCapacity})";
        if (Workers is < 1 or > 256)
            yield return $"{Section}:Workers must be from 1 to 256 (is {Workers})";
    }

    /// <summary>Refuses to start a silo with unusable Follow settings.</summary>
    public sealed class Validator : IValidateOptions<FollowOptions>
    {
        public ValidateOptionsResult Validate(string? name, FollowOptions options) => OptionsValidation.Result(options.Problems());
    }
}
