using System.Runtime.InteropServices;

namespace OrleansAis.Silo.Hosting;

/// <summary>
/// The built-in transformer host travels with the silo: the build copies etl-host's output into an <c>etl-host/</c>
/// folder next to the silo (see OrleansAis.Silo.csproj), so a spec command starting with <c>etl-host</c> runs on the
/// process runtime with no flag and no second build.
/// </summary>
public static class BuiltInEtlHost
{
    public const string FolderName = "etl-host";

    /// <summary>
    /// The command line that runs the etl-host found under <paramref name="siloFolder"/>, or null when none is there (then
    /// <c>etl-host</c> is looked up on PATH as before). The silo's own runtime runs it (<c>dotnet etl-host.dll</c>), so it
    /// works wherever the silo does, with or without a dotnet on PATH.
    /// </summary>
    public static string? Command(string siloFolder)
    {
        var folder = Path.Combine(siloFolder, FolderName);
        var dll = Path.Combine(folder, "etl-host.dll");
        if (!File.Exists(dll)) return null;
        // EtlHostCommand is split on spaces: a path with spaces would come apart.
        if (Muxer() is { } dotnet && !dotnet.Contains(' ') && !dll.Contains(' ')) return $"{dotnet} {dll}";
        var appHost = Path.Combine(folder, "etl-host");
        return File.Exists(appHost) && !appHost.Contains(' ') ? appHost : null;
    }

    /// <summary>The folder holding the Python SDK (<c>oais_etl/</c>) the build copied next to the silo, or null.</summary>
    public static string? PythonSdk(string siloFolder)
    {
        var folder = Path.Combine(siloFolder, FolderName, "python");
        return File.Exists(Path.Combine(folder, "oais_etl", "__init__.py")) ? folder : null;
    }

    /// <summary>The dotnet executable of the runtime this silo runs on (…/dotnet/shared/Microsoft.NETCore.App/10.x/ → …/dotnet/dotnet).</summary>
    private static string? Muxer()
    {
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var muxer = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(muxer) ? muxer : null;
    }
}
