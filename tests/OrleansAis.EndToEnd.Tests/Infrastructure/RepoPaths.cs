namespace OrleansAis.EndToEnd.Tests.Infrastructure;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built output of a project, same configuration as the tests (e.g. silo/OrleansAis.Silo -> .../OrleansAis.Silo.dll).</summary>
    public static string BuiltAssembly(string projectFolder, string assemblyName)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(Root, projectFolder, "bin", configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; build the solution first", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansAis.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("OrleansAis.sln not found above " + AppContext.BaseDirectory);
    }
}
