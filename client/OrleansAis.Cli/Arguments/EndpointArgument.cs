namespace OrleansAis.Cli.Arguments;

/// <summary>Which HTTP API the CLI talks to: <c>--endpoint</c>, else <c>$OAIS_ENDPOINT</c>, else the default single silo.</summary>
internal static class EndpointArgument
{
    public const string EnvironmentVariable = "OAIS_ENDPOINT";
    public const string Default = "http://localhost:8080";

    /// <summary>The endpoint as a base URI ending in '/', so API paths resolve below any path prefix it has.</summary>
    public static Uri Resolve(string? option, string? environment)
    {
        var (text, source) = !string.IsNullOrWhiteSpace(option) ? (option, "--endpoint")
            : !string.IsNullOrWhiteSpace(environment) ? (environment, EnvironmentVariable)
            : (Default, "default");
        text = text.Trim();
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"{source} '{text}' is not an http:// or https:// URL");
        return uri;
    }
}
