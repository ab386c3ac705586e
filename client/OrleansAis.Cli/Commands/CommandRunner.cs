using System.CommandLine;
using OrleansAis.Cli.Arguments;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands;

/// <summary>
/// The global options every command accepts, and the one place that runs a command body: it resolves the endpoint,
/// builds the API client and output, and turns failures into a message plus an exit code.
/// </summary>
internal sealed class CommandRunner
{
    public Option<string?> Endpoint { get; } = new("--endpoint")
    {
        Description = $"HTTP API of any silo [default: ${EndpointArgument.EnvironmentVariable}, else {EndpointArgument.Default}]",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print results as JSON (the API's snake_case documents) for scripts; errors go to stderr as {\"error\":{...}}",
        Recursive = true,
    };

    public Func<ParseResult, CancellationToken, Task<int>> Run(Func<CommandContext, Task> body) => async (parse, ct) =>
    {
        var output = new CommandOutput(parse.GetValue(Json), Console.Out, Console.Error);
        try
        {
            var endpoint = EndpointArgument.Resolve(parse.GetValue(Endpoint), Environment.GetEnvironmentVariable(EndpointArgument.EnvironmentVariable));
            using var http = CreateHttpClient();
            await body(new CommandContext(parse, new OaisHttpClient(http, endpoint), output, !output.Json && !Console.IsErrorRedirected, ct));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (CliFailure.From(e, ct) is { } failure)
        {
            output.WriteFailure(failure);
            return failure.ExitCode;
        }
    };

    private static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        // A GET or HEAD to a silo that does not own the object is answered with a 307 to the owner: follow it.
        AllowAutoRedirect = true,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    })
    {
        // Transfers of large objects take as long as they take; a dead peer is caught by the connect timeout and resets.
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
