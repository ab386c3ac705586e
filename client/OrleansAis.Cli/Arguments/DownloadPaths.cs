namespace OrleansAis.Cli.Arguments;

/// <summary>Local paths for <c>oais get</c>.</summary>
internal static class DownloadPaths
{
    /// <summary>The last '/'-separated segment of an object name: the default local file name.</summary>
    public static string LastSegment(string objectName)
    {
        var segment = objectName[(objectName.LastIndexOf('/') + 1)..];
        return segment.Length > 0 ? segment : throw new UsageException($"'{objectName}' ends with '/': name the local FILE");
    }

    /// <summary>
    /// Where one object is written: no destination means the current directory; an existing directory (or a path ending
    /// in the separator) receives the object's last segment; anything else is the file itself.
    /// </summary>
    public static string ForObject(string objectName, string? destination, Func<string, bool> directoryExists)
    {
        if (destination is null) return LastSegment(objectName);
        return directoryExists(destination) || Path.EndsInDirectorySeparator(destination)
            ? Path.Combine(destination, LastSegment(objectName))
            : destination;
    }

    /// <summary>
    /// Where an object of a multi-object GET lands: its full name as a relative path under <paramref name="directory"/>.
    /// Names come from the server; one that would leave the directory is refused rather than trusted.
    /// </summary>
    public static string UnderDirectory(string directory, string objectName)
    {
        var root = Path.GetFullPath(directory);
        var segments = objectName.Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
            throw new IOException($"object '{objectName}' has an empty, '.' or '..' segment: it cannot be saved under {directory}");
        var path = Path.GetFullPath(Path.Combine([root, .. segments]));
        return path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new IOException($"object '{objectName}' would be saved outside {directory}");
    }
}
