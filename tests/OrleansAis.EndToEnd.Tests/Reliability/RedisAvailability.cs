namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>
/// Whether the multi-process cluster tests can run here: they start their own redis-server (scripts/cluster.sh), so
/// the Debian package must be installed. Missing, the tests are skipped with the reason, or fail with it when
/// OAIS_REQUIRE_REDIS=1 (.ci/run sets it in CI), so a missing redis-server never hides as a skip there.
/// </summary>
public static class RedisAvailability
{
    private static readonly Lazy<string?> MissingReason = new(Probe);

    public static bool Required => Environment.GetEnvironmentVariable("OAIS_REQUIRE_REDIS") == "1";

    /// <summary>Null when redis-server and redis-cli are on PATH, else why not.</summary>
    public static string? Missing => MissingReason.Value;

    /// <summary>Call at the start of every such test: fails with the reason when Redis is required but missing.</summary>
    public static void EnsureAvailable()
    {
        if (Missing is { } reason)
            Assert.Fail($"redis-server is required here (OAIS_REQUIRE_REDIS=1) but {reason}");
    }

    private static string? Probe()
    {
        var missing = new[] { "redis-server", "redis-cli" }.Where(tool => FindOnPath(tool) is null).ToList();
        return missing.Count == 0 ? null : $"{string.Join(" and ", missing)} not found on PATH (apt-get install redis-server)";
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Append("/usr/bin").Append("/usr/sbin")
        .Select(dir => Path.Combine(dir, tool))
        .FirstOrDefault(File.Exists);
}

/// <summary>
/// A test that needs redis-server. Skipped with the reason where it is missing, unless OAIS_REQUIRE_REDIS=1: then it
/// runs and <see cref="RedisAvailability.EnsureAvailable"/> fails it with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisAvailability.Missing is { } reason && !RedisAvailability.Required)
            Skip = $"multi-process cluster tests skipped: {reason} (set OAIS_REQUIRE_REDIS=1 to fail instead)";
    }
}
