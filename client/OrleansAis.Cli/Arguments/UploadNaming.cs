namespace OrleansAis.Cli.Arguments;

/// <summary>Object names for <c>oais put</c>: AIStore's rules for a destination that is a name, a virtual directory or absent.</summary>
internal static class UploadNaming
{
    /// <summary>
    /// A single file: no destination name keeps the file name; a destination ending in '/' is a virtual directory the
    /// file goes into; anything else is the object's full name.
    /// </summary>
    public static string ForFile(string fileName, string? destination) => destination switch
    {
        null => fileName,
        _ when destination.EndsWith('/') => destination + fileName,
        _ => destination,
    };

    /// <summary>A file found under a directory uploaded with -r: its relative path with '/' separators, under the destination prefix.</summary>
    public static string ForTreeEntry(string relativePath, string? destinationPrefix)
    {
        var name = relativePath.Replace(Path.DirectorySeparatorChar, '/');
        return destinationPrefix switch
        {
            null => name,
            _ when destinationPrefix.EndsWith('/') => destinationPrefix + name,
            _ => destinationPrefix + "/" + name,
        };
    }
}
