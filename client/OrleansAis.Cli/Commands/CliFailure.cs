using System.Net;
using OrleansAis.Cli.Arguments;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Transfers;

namespace OrleansAis.Cli.Commands;

/// <summary>Why a command failed: the exit code scripts branch on, a code word, the message, and the HTTP status when the server answered.</summary>
internal sealed record CliFailure(int ExitCode, string Code, string Message, int? HttpStatus = null)
{
    /// <summary>The one mapping from what went wrong to an exit code; null for bugs (they surface with a stack trace).</summary>
    public static CliFailure? From(Exception e, CancellationToken ct) => e switch
    {
        UsageException => new CliFailure(ExitCodes.Usage, "UsageError", e.Message),
        CommandFailedException failed => new CliFailure(ExitCodes.Failed, failed.Code, failed.Message),
        OaisApiException { Status: HttpStatusCode.NotFound } api => new CliFailure(ExitCodes.NotFound, api.Code, api.Message, (int)api.Status),
        OaisApiException api => new CliFailure(ExitCodes.Failed, api.Code, api.Message, (int)api.Status),
        OaisConnectionException => Unreachable(e.Message),
        HttpIOException or HttpRequestException => Unreachable($"connection lost: {e.Message}"),
        ChecksumMismatchException => new CliFailure(ExitCodes.Failed, nameof(OaisErrorCode.ChecksumMismatch), e.Message),
        IOException or UnauthorizedAccessException => new CliFailure(ExitCodes.Failed, "LocalFileError", e.Message),
        OperationCanceledException when ct.IsCancellationRequested => new CliFailure(ExitCodes.Interrupted, "Interrupted", "interrupted"),
        _ => null,
    };

    private static CliFailure Unreachable(string message) =>
        new(ExitCodes.ConnectionFailed, "ConnectionFailed", $"{message} (the endpoint comes from --endpoint, then {EndpointArgument.EnvironmentVariable})");
}
