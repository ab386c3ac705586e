namespace OrleansAis.Cli.Commands;

/// <summary>The exit codes scripts can branch on (shown in <c>oais --help</c> and docs/CLI.md).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>
    /// The server refused the request (its message is printed), a local file could not be read or written, or a job
    /// ended other than Succeeded (or an inspect found failing objects).
    /// </summary>
    public const int Failed = 1;
    public const int Usage = 2;
    /// <summary>The bucket, object, ETL or job does not exist.</summary>
    public const int NotFound = 3;
    /// <summary>The endpoint could not be reached, or the connection broke mid-transfer.</summary>
    public const int ConnectionFailed = 4;
    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;

    public const string Help =
        "Exit codes: 0 ok; 1 failed (the server's error message is printed, a local file could not be read/written, " +
        "or a job failed, was aborted or interrupted); 2 usage error; 3 bucket, object, ETL or job not found; 4 cannot connect to the endpoint (or the connection broke); 130 interrupted.";
}
