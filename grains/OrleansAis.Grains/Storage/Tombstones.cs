using System.Globalization;

namespace OrleansAis.Storage;

/// <summary>
/// User deletes this node made, remembered for <see cref="Lifetime"/>: a node that was down when an object was deleted
/// still has its copy, and without the tombstone that older copy would come back when it rejoins (a move, a mirror, a
/// reconcile). A copy written before the delete loses against it (last writer wins, like overwrites). Layout:
/// <c>{mountpath}/.deleted/{bucket}/{hh}/{hash}</c>, three lines (deletion time in UTC ticks, bucket, name),
/// made to appear whole by a rename; an expired tombstone is removed when it is next read or listed.
/// </summary>
internal sealed class Tombstones(LocalObjectStore store, TimeSpan lifetime)
{
    /// <summary>Not a bucket name (those start with a letter or digit), so listings and rebalancing never see it.</summary>
    internal const string Folder = ".deleted";

    public TimeSpan Lifetime => lifetime;

    private string PathOf(string bucket, string name) =>
        Path.Combine(store.MountpathOf(bucket, name), Folder, bucket, ObjectFile.RelativeMetaPath(name));

    /// <summary>When the object was deleted here, if within the lifetime.</summary>
    public DateTimeOffset? DeletedAt(string bucket, string name) =>
        Read(PathOf(bucket, name)) is { } t && t.Bucket == bucket && t.Name == name ? t.DeletedAt : null;

    /// <summary>Remembers a delete (the later time wins when one is remembered already). Called under the object's key lock.</summary>
    public void Record(string bucket, string name, DateTimeOffset deletedAt)
    {
        if (DeletedAt(bucket, name) is { } known && known >= deletedAt) return;
        var path = PathOf(bucket, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
        {
            file.Write(System.Text.Encoding.UTF8.GetBytes(
                $"{deletedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}\n{bucket}\n{name}"));
            file.Flush(flushToDisk: true); // an acknowledged delete must not come back after a crash of this node
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A newer write of the object replaced the delete. Called under the object's key lock.</summary>
    public void Forget(string bucket, string name)
    {
        var path = PathOf(bucket, name);
        if (File.Exists(path)) File.Delete(path); // checked first: every PUT passes here, almost always with nothing to forget
    }

    /// <summary>Every tombstone within its lifetime, on every mountpath.</summary>
    public IEnumerable<Tombstone> All() =>
        store.Mountpaths.Select(mp => Path.Combine(mp, Folder)).Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            .Where(path => !Path.GetFileName(path).Contains(".tmp-", StringComparison.Ordinal))
            .Select(Read).OfType<Tombstone>();

    private Tombstone? Read(string path)
    {
        if (!File.Exists(path)) return null; // the usual case, without the cost of an exception
        string[] lines;
        try
        {
            lines = File.ReadAllText(path).Split('\n', 3);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        if (lines.Length != 3 || !long.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks) return null;
        var deletedAt = new DateTimeOffset(ticks, TimeSpan.Zero);
        if (DateTimeOffset.UtcNow - deletedAt <= lifetime) return new Tombstone(lines[1], lines[2], deletedAt);
        try { File.Delete(path); } catch (IOException) { } // expired
        return null;
    }
}
