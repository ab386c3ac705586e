using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansAis.Storage;

/// <summary>
/// On-disk layout of one object inside its bucket folder:
/// <c>{hh}/{hash}</c> holds the metadata (JSON) and is the commit point; <c>{hh}/{hash}.v{version}</c> holds exactly
/// the content bytes (so byte ranges are file offsets and an fqn transformer can read the file as is).
/// A writer puts the new data file in place first and then renames the metadata over the old one, so readers see
/// either the old version or the new one, never a mix.
/// </summary>
internal static partial class ObjectFile
{
    private const string VersionSeparator = ".v";
    private const int MaxMetaBytes = 1 << 20;

    internal sealed class StoredMeta
    {
        public required string Name { get; init; }
        public long Size { get; init; }
        public required string Checksum { get; init; }
        public string ContentType { get; init; } = "application/octet-stream";
        public Dictionary<string, string> Custom { get; init; } = [];
        public long Version { get; init; }
        public DateTimeOffset Modified { get; init; }
        /// <summary>Absent in objects stored before MD5s were kept.</summary>
        public string? Md5 { get; init; }
        public string? MultipartETag { get; init; }
        public long[]? PartSizes { get; init; }
        public Dictionary<string, string>? Headers { get; init; }
        public ObjectChecksum? ContentChecksum { get; init; }
    }

    [JsonSerializable(typeof(StoredMeta))]
    private sealed partial class MetaJson : JsonSerializerContext;

    /// <summary>Metadata file of an object relative to its bucket folder: a 128-bit hash of the name, so any valid name maps to a safe path.</summary>
    public static string RelativeMetaPath(string name)
    {
        var hex = System.IO.Hashing.XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(name)).ToString("x32");
        return Path.Combine(hex[..2], hex);
    }

    public static string DataPath(string metaPath, long version) => metaPath + VersionSeparator + version;

    public static bool IsMetaFile(string path) => !Path.GetFileName(path).Contains(VersionSeparator, StringComparison.Ordinal);

    /// <summary>Data files of the object other than <paramref name="keepVersion"/> (older versions, leftovers of a crash).</summary>
    public static IEnumerable<string> OtherDataFiles(string metaPath, long keepVersion)
    {
        var folder = Path.GetDirectoryName(metaPath)!;
        if (!Directory.Exists(folder)) return [];
        var keep = DataPath(metaPath, keepVersion);
        return Directory.EnumerateFiles(folder, Path.GetFileName(metaPath) + VersionSeparator + "*").Where(f => f != keep);
    }

    public static byte[] Serialize(StoredMeta meta) => JsonSerializer.SerializeToUtf8Bytes(meta, MetaJson.Default.StoredMeta);

    /// <summary>The metadata, or null when the object does not exist.</summary>
    public static StoredMeta? ReadMeta(string metaPath)
    {
        byte[] bytes;
        try
        {
            using var file = new FileStream(metaPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            if (file.Length > MaxMetaBytes) throw new InvalidDataException($"object metadata '{metaPath}' is {file.Length} bytes");
            bytes = new byte[file.Length];
            file.ReadExactly(bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return JsonSerializer.Deserialize(bytes, MetaJson.Default.StoredMeta)
            ?? throw new InvalidDataException($"object metadata '{metaPath}' is empty");
    }
}
