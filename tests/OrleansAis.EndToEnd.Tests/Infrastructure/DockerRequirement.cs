using System.Diagnostics;
using OrleansAis.Tests.Etl;

namespace OrleansAis.EndToEnd.Tests.Infrastructure;

/// <summary>
/// For end-to-end tests shared between runtimes (a base class whose Docker subclass must skip at run time):
/// the same rule as <see cref="DockerAvailability"/> — skipped with the reason where Docker is missing, failed when
/// OAIS_REQUIRE_DOCKER=1 (CI sets it), so a missing engine never hides in CI.
/// </summary>
public static class DockerRequirement
{
    public const string Image = DockerAvailability.Image;

    /// <summary>Skips the calling test when Docker or the image is missing (fails instead when required).</summary>
    public static void SkipUnlessAvailable()
    {
        if (DockerAvailability.Missing is not { } reason) return;
        if (DockerAvailability.Required) DockerAvailability.EnsureAvailable(); // fails with the reason
        Skip.If(true, $"Docker tests skipped: {reason} (set OAIS_REQUIRE_DOCKER=1 to fail instead)");
    }

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
}
