namespace OrleansAis.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => Commands.OaisCommandLine.RunAsync(args);
}
