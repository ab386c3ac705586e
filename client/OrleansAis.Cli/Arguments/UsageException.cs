namespace OrleansAis.Cli.Arguments;

/// <summary>The command line asks for something that cannot be done as written (exit code 2); the message says why.</summary>
internal sealed class UsageException(string message) : Exception(message);
