using Microsoft.Extensions.Options;

namespace OrleansAis.Silo.Http.S3;

/// <summary>The S3-compatible API's settings, bound from the "S3" configuration section.</summary>
public sealed class S3Options
{
    public const string Section = "S3";

    /// <summary>Access keys accepted in AWS Signature V4 requests (S3:Credentials:0:AccessKey, ...:SecretKey).</summary>
    public List<S3Credential> Credentials { get; set; } = [];

    /// <summary>
    /// Serve unsigned requests (off by default: anyone who reaches the port could write and delete). Signed requests are
    /// always verified, whatever this says.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The region clients sign for (the credential scope must name it).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// The base domain of virtual-hosted-style requests: with <c>s3.example.com</c>, a request to
    /// <c>Host: photos.s3.example.com</c> addresses bucket <c>photos</c>. Unset: path-style only.
    /// </summary>
    public string? Domain { get; set; }

    /// <summary>Null when the settings are usable, else what is wrong with them.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Region)) return "S3:Region is empty";
        if (Credentials.Any(c => string.IsNullOrEmpty(c.AccessKey) || string.IsNullOrEmpty(c.SecretKey)))
            return "every S3:Credentials entry needs an AccessKey and a SecretKey";
        if (Credentials.Any(c => c.AccessKey.Contains('/'))) return "S3 access keys cannot contain '/'";
        if (Domain is not null && Uri.CheckHostName(Domain.Trim('.')) != UriHostNameType.Dns)
            return $"S3:Domain '{Domain}' is not a DNS name (the domain under which bucket.DOMAIN names a bucket)";
        var duplicate = Credentials.GroupBy(c => c.AccessKey, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"S3 access key '{duplicate.Key}' is configured twice";
    }

    /// <summary>Refuses to start a silo with unusable S3 settings.</summary>
    public sealed class Validator : IValidateOptions<S3Options>
    {
        public ValidateOptionsResult Validate(string? name, S3Options options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}

public sealed class S3Credential
{
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";
}
