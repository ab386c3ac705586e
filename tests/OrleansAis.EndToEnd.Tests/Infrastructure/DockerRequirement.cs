using System.Diagnostics;

namespace OrleansAis.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Tests that need a Docker engine and the etl-host image: skipped (with the reason) where there is none, but failed
/// when OAIS_REQUIRE_DOCKER=1 (CI sets it), so a missing engine never hides in CI.
/// </summary>
public static class DockerRequirement
{
    public const string Image = "oais/etl-host:latest";

    private static readonly Lazy<string?> Missing = new(Probe);

    public static bool Required => Environment.GetEnvironmentVariable("OAIS_REQUIRE_DOCKER") == "1";

    /// <summary>Skips the calling test when Docker or the image is missing (fails instead when required).</summary>
    public static void SkipUnlessAvailable()
    {
        if (Missing.Value is not { } reason) return;
        if (Required) Assert.Fail($"Docker is required (OAIS_REQUIRE_DOCKER=1) but {reason}");
        Skip.If(true, $"{reason}; run .ci/docker-up.sh (or etl-host/build-image.sh with a running engine) to include these tests");
    }

    public static bool Available => Missing.Value is null;

    /// <summary>Runs the docker CLI; returns its exit code and output.</summary>
    public static (int Code, string Output) Run(params string[] args)
    {
        var info = new ProcessStartInfo(File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : "docker")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    private static string? Probe()
    {
        var (engine, engineOut) = Run("info", "--format", "{{.ServerVersion}}");
        if (engine != 0) return $"no Docker engine answers ({engineOut})";
        var (image, _) = Run("image", "inspect", Image);
        return image != 0 ? $"image {Image} is not built" : null;
    }
}
