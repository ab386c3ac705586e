using Docker.DotNet;
using OrleansAis.Etl.Runtimes;

namespace OrleansAis.Tests.Etl;

/// <summary>
/// Whether the Docker tests can run here: a Docker engine answers (DOCKER_HOST or the default socket) and the etl-host
/// image is built. Missing either, the tests are skipped with the reason, or fail with it when OAIS_REQUIRE_DOCKER=1
/// (.ci/run sets it in CI), so a missing engine never hides as a skip there.
/// </summary>
public static class DockerAvailability
{
    public const string Image = "oais/etl-host:latest";

    private static readonly Lazy<string?> MissingReason = new(Probe);

    public static bool Required => Environment.GetEnvironmentVariable("OAIS_REQUIRE_DOCKER") == "1";

    /// <summary>Null when the engine answers and the image exists, else why not.</summary>
    public static string? Missing => MissingReason.Value;

    /// <summary>Call at the start of every Docker test: fails with the reason when Docker is required but missing.</summary>
    public static void EnsureAvailable()
    {
        if (Missing is { } reason)
            Assert.Fail($"Docker is required here (OAIS_REQUIRE_DOCKER=1) but {reason}");
    }

    private static string? Probe()
    {
        try
        {
            using var client = new DockerClientBuilder().Build();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            client.System.PingAsync(cts.Token).GetAwaiter().GetResult();
            try
            {
                client.Images.InspectImageAsync(Image, cts.Token).GetAwaiter().GetResult();
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return $"image {Image} is not built (run etl-host/build-image.sh)";
            }
            return null;
        }
        catch (Exception e)
        {
            var host = Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
            return $"no Docker engine answers at {host} ({e.GetBaseException().Message}); run .ci/docker-up.sh";
        }
    }
}

/// <summary>
/// A test that needs the Docker engine and the etl-host image. Skipped with the reason where they are missing, unless
/// OAIS_REQUIRE_DOCKER=1: then it runs and <see cref="DockerAvailability.EnsureAvailable"/> fails it with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (DockerAvailability.Missing is { } reason && !DockerAvailability.Required)
            Skip = $"Docker tests skipped: {reason} (set OAIS_REQUIRE_DOCKER=1 to fail instead)";
    }
}
