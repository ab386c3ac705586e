using System.Diagnostics;

namespace OrleansAis.EtlHost.Tests.Infrastructure;

/// <summary>
/// Tests needing python3 skip with the reason where it is missing, and fail instead under CI=true (or
/// OAIS_REQUIRE_PYTHON=1): the same rule as Docker's, so a missing interpreter never hides in CI.
/// </summary>
public static class PythonRequirement
{
    private static readonly Lazy<string?> MissingReason = new(Probe);

    /// <summary>OAIS_PYTHON (e.g. /usr/bin/python3, which sees Debian's python3-* packages), else python3 on PATH.</summary>
    public static string Interpreter => Environment.GetEnvironmentVariable("OAIS_PYTHON") is { Length: > 0 } python ? python : "python3";

    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("OAIS_REQUIRE_PYTHON") == "1";

    /// <summary>Null when python3 (3.9 or later) runs, else why not.</summary>
    public static string? Missing => MissingReason.Value;

    public static void SkipUnlessAvailable()
    {
        if (Missing is not { } reason) return;
        if (Required) throw new InvalidOperationException($"python3 is required here (CI=true or OAIS_REQUIRE_PYTHON=1) but {reason}");
        Skip.If(true, $"Python tests skipped: {reason} (CI=true or OAIS_REQUIRE_PYTHON=1 fails instead)");
    }

    private static string? Probe()
    {
        try
        {
            var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "-c", "import sys; print(sys.version_info >= (3, 9))" }) info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var said = process.StandardOutput.ReadToEnd().Trim() + process.StandardError.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && said == "True" ? null : $"python3 is older than 3.9 or broken ({said})";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Interpreter} is not installed ({e.Message})";
        }
    }
}
