namespace OrleansAis.Loader.Options;

/// <summary>A flag value the loader cannot use; reported on stderr with exit code <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
