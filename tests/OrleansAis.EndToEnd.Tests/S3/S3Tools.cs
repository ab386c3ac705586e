using System.Diagnostics;

namespace OrleansAis.EndToEnd.Tests.S3;

/// <summary>
/// The command-line S3 clients some tests drive: the AWS CLI (<c>python3 -m awscli</c>), s3cmd and rclone. A missing
/// one skips its tests with the reason, except in CI (<c>CI=true</c>), where the test runs and fails with the reason,
/// so a missing client never hides as a skip there.
/// </summary>
public static class S3Tools
{
    public const string AwsCli = "awscli";
    public const string S3cmd = "s3cmd";
    public const string Boto3 = "boto3";
    public const string Rclone = "rclone";

    private static readonly Dictionary<string, Lazy<string?>> Missing = new()
    {
        [AwsCli] = new(() => Probe("python3", "-c", "import awscli") ? null : "python3 with the awscli module is not available (pip install awscli)"),
        [Boto3] = new(() => Probe("python3", "-c", "import boto3") ? null : "python3 with the boto3 module is not available (pip install boto3)"),
        [S3cmd] = new(() => Probe("s3cmd", "--version") ? null : "s3cmd is not on PATH (apt-get install s3cmd)"),
        [Rclone] = new(() => Probe("rclone", "version") ? null : "rclone is not on PATH (apt-get install rclone)"),
    };

    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? MissingReason(string tool) => Missing[tool].Value;

    /// <summary>Call first in a test that needs <paramref name="tool"/>: fails with the reason when it is missing (only reached in CI).</summary>
    public static void EnsureAvailable(string tool)
    {
        if (MissingReason(tool) is { } reason) Assert.Fail($"{tool} is required here (CI=true) but {reason}");
    }

    /// <summary>Runs the AWS CLI against <paramref name="endpoint"/> with the test cluster's key; returns the exit code and output.</summary>
    public static Task<(int Code, string Output)> RunAwsAsync(Uri endpoint, params string[] args) =>
        RunAsync("python3", ["-m", "awscli", "--endpoint-url", endpoint.ToString().TrimEnd('/'), .. args], AwsEnvironment());

    /// <summary>
    /// Runs a Python script with boto3 against <paramref name="endpoint"/>: the script gets <c>s3</c>, a client with the
    /// test cluster's key (path-style, SigV4), and <c>args</c>, the remaining arguments.
    /// </summary>
    public static Task<(int Code, string Output)> RunBoto3Async(Uri endpoint, string script, params string[] args)
    {
        const string prelude = """
            import sys, boto3
            from botocore.config import Config
            s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", retries={"max_attempts": 1}))
            args = sys.argv[2:]

            """;
        return RunAsync("python3", ["-c", prelude + script, endpoint.ToString().TrimEnd('/'), .. args], AwsEnvironment());
    }

    /// <summary>Runs s3cmd against <paramref name="endpoint"/> (path-style, plain HTTP) with the test cluster's key.</summary>
    public static Task<(int Code, string Output)> RunS3cmdAsync(Uri endpoint, params string[] args)
    {
        var host = endpoint.Authority;
        return RunAsync("s3cmd", ["--config=/dev/null", "--no-ssl", $"--host={host}", $"--host-bucket={host}", "--region=us-east-1",
            $"--access_key={S3Cluster.AccessKey}", $"--secret_key={S3Cluster.SecretKey}", .. args], new Dictionary<string, string?>());
    }

    /// <summary>
    /// Runs rclone with a remote named <c>oais</c> for <paramref name="endpoint"/> (S3, path-style, the test cluster's
    /// key), configured through the environment only.
    /// </summary>
    public static Task<(int Code, string Output)> RunRcloneAsync(Uri endpoint, params string[] args) =>
        RunAsync("rclone", args, new Dictionary<string, string?>
        {
            ["RCLONE_CONFIG"] = "/dev/null",
            ["RCLONE_CONFIG_OAIS_TYPE"] = "s3",
            ["RCLONE_CONFIG_OAIS_PROVIDER"] = "Other",
            ["RCLONE_CONFIG_OAIS_ACCESS_KEY_ID"] = S3Cluster.AccessKey,
            ["RCLONE_CONFIG_OAIS_SECRET_ACCESS_KEY"] = S3Cluster.SecretKey,
            ["RCLONE_CONFIG_OAIS_ENDPOINT"] = endpoint.ToString().TrimEnd('/'),
            ["RCLONE_CONFIG_OAIS_FORCE_PATH_STYLE"] = "true",
            ["RCLONE_CONFIG_OAIS_REGION"] = "us-east-1",
            // rclone's S3 client cannot take a CA bundle over plain HTTP and fails to start when one is set.
            ["AWS_CA_BUNDLE"] = null,
        });

    private static Dictionary<string, string?> AwsEnvironment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = S3Cluster.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = S3Cluster.SecretKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_MAX_ATTEMPTS"] = "1",
    };

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, Dictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static bool Probe(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args) info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            process.WaitForExit(30_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>A test that needs a command-line S3 client (see <see cref="S3Tools"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class S3ToolFactAttribute : FactAttribute
{
    public S3ToolFactAttribute(string tool)
    {
        if (S3Tools.MissingReason(tool) is { } reason && !S3Tools.Required)
            Skip = $"{tool} tests skipped: {reason} (with CI=true they fail instead)";
    }
}
