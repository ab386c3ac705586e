using System.CommandLine;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands;

/// <summary>What a running command works with: its parsed arguments, the API, the output, whether bars may show, Ctrl+C.</summary>
internal sealed class CommandContext(ParseResult parse, OaisHttpClient api, CommandOutput output, bool progressAllowed, CancellationToken cancellation)
{
    public OaisHttpClient Api { get; } = api;
    public CommandOutput Output { get; } = output;
    /// <summary>Progress bars go to stderr, so only when it is a terminal and the output is not --json.</summary>
    public bool ProgressAllowed { get; } = progressAllowed;
    public CancellationToken Cancellation { get; } = cancellation;

    public T? Value<T>(Option<T> option) => parse.GetValue(option);

    public T? Value<T>(Argument<T> argument) => parse.GetValue(argument);

    public bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
}
