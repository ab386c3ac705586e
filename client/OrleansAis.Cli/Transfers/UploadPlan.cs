using OrleansAis.Cli.Arguments;

namespace OrleansAis.Cli.Transfers;

/// <summary>One local source (a file, or standard input) and the object it becomes; <see cref="Length"/> sizes the progress bar.</summary>
internal sealed record UploadItem(string Source, string ObjectName, long? Length)
{
    public const string StandardInput = "-";
}

/// <summary>What <c>oais put SOURCE BUCKET[/NAME]</c> uploads: one file, stdin, or (with -r) every file under a directory.</summary>
internal static class UploadPlan
{
    public static IReadOnlyList<UploadItem> Build(string source, ObjectAddress destination, bool recursive)
    {
        if (source == UploadItem.StandardInput)
        {
            return destination.Name is { } name && !name.EndsWith('/')
                ? [new UploadItem(source, name, null)]
                : throw new UsageException("reading standard input ('-') needs the object's full name: BUCKET/NAME");
        }
        if (Directory.Exists(source))
        {
            if (!recursive) throw new UsageException($"'{source}' is a directory: add -r to upload every file under it");
            // Hidden files are data too; ordinal order makes runs (and their progress) repeatable.
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
            return Directory.EnumerateFiles(source, "*", options)
                .Order(StringComparer.Ordinal)
                .Select(file => new UploadItem(file, UploadNaming.ForTreeEntry(Path.GetRelativePath(source, file), destination.Name), new FileInfo(file).Length))
                .ToList();
        }
        if (File.Exists(source))
            return [new UploadItem(source, UploadNaming.ForFile(Path.GetFileName(source), destination.Name), new FileInfo(source).Length)];
        throw new UsageException($"'{source}': no such file or directory");
    }
}
