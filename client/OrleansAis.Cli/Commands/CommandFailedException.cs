namespace OrleansAis.Cli.Commands;

/// <summary>
/// Every request succeeded but the outcome is a failure scripts must see: a job that failed, was aborted or
/// interrupted, a wait that timed out, an inspect that found failing objects. Exit code 1 with <paramref name="code"/>.
/// </summary>
internal sealed class CommandFailedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
