namespace OrleansAis.Loader;

internal static class Program
{
    public static Task<int> Main(string[] args) => Options.LoaderCommandLine.RunAsync(args);
}
