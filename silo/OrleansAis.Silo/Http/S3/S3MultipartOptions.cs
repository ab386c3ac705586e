using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

namespace OrleansAis.Silo.Http.S3;

/// <summary>How long unfinished multipart uploads are kept. Bound from the "S3:Multipart" configuration section.</summary>
public sealed class S3MultipartOptions
{
    public const string Section = "S3:Multipart";

    /// <summary>
    /// An upload neither completed nor aborted this long after it started is abandoned: its parts are deleted (S3 leaves
    /// that to a lifecycle rule, AbortIncompleteMultipartUpload; this store has one rule, for every bucket).
    /// </summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each silo looks for abandoned uploads among those it holds.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<string> Problems()
    {
        if (AbandonAfter <= TimeSpan.Zero) yield return $"{Section}:AbandonAfter must be above zero (is {AbandonAfter})";
        if (SweepInterval <= TimeSpan.Zero) yield return $"{Section}:SweepInterval must be above zero (is {SweepInterval})";
    }

    /// <summary>Refuses to start a silo with unusable S3:Multipart settings.</summary>
    public sealed class Validator : IValidateOptions<S3MultipartOptions>
    {
        public ValidateOptionsResult Validate(string? name, S3MultipartOptions options) => OptionsValidation.Result(options.Problems());
    }
}
