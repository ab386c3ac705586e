namespace OrleansAis.Loader.Options;

internal static class ExitCodes
{
    /// <summary>No errors (or any errors, with --stress).</summary>
    public const int Ok = 0;

    /// <summary>Some operation failed, a read was wrong, or setup (bucket, ETL) failed.</summary>
    public const int Errors = 1;

    /// <summary>Bad flags.</summary>
    public const int Usage = 2;

    public const string Help = "Exit codes: 0 no errors (always 0 with --stress once the run started), 1 errors, 2 bad flags.";
}
