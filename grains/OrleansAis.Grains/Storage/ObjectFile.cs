using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansAis.Storage;

/// <summary>
/// On-disk form of one object: the content bytes first (so byte ranges are plain file offsets), then a
/// metadata trailer (UTF-8 JSON, its length, a magic). Content and metadata live in one file, so one
/// rename publishes both atomically.
/// </summary>
internal static partial class ObjectFile
{
    private static ReadOnlySpan<byte> Magic => "OAISOBJ1"u8;
    private const int FooterBytes = sizeof(int) + 8;
    private const int MaxTrailerBytes = 1 << 20;

    internal sealed class Trailer
    {
        public required string Name { get; init; }
        public long Size { get; init; }
        public required string Checksum { get; init; }
        public string ContentType { get; init; } = "application/octet-stream";
        public Dictionary<string, string> Custom { get; init; } = [];
        public long Version { get; init; }
        public DateTimeOffset Modified { get; init; }
    }

    [JsonSerializable(typeof(Trailer))]
    private sealed partial class TrailerJson : JsonSerializerContext;

    public static void WriteTrailer(Stream stream, Trailer trailer)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(trailer, TrailerJson.Default.Trailer);
        Span<byte> footer = stackalloc byte[FooterBytes];
        BinaryPrimitives.WriteInt32LittleEndian(footer, json.Length);
        Magic.CopyTo(footer[sizeof(int)..]);
        stream.Write(json);
        stream.Write(footer);
    }

    /// <summary>Reads the trailer through an already open handle (so it matches the bytes that handle sees).</summary>
    public static Trailer ReadTrailer(FileStream file)
    {
        var length = file.Length;
        if (length < FooterBytes) throw Corrupt(file, "shorter than its footer");
        Span<byte> footer = stackalloc byte[FooterBytes];
        RandomAccess.Read(file.SafeFileHandle, footer, length - FooterBytes);
        if (!footer[sizeof(int)..].SequenceEqual(Magic)) throw Corrupt(file, "bad magic");
        var jsonLength = BinaryPrimitives.ReadInt32LittleEndian(footer);
        if (jsonLength <= 0 || jsonLength > MaxTrailerBytes || jsonLength > length - FooterBytes)
            throw Corrupt(file, $"bad trailer length {jsonLength}");
        var json = new byte[jsonLength];
        RandomAccess.Read(file.SafeFileHandle, json, length - FooterBytes - jsonLength);
        var trailer = JsonSerializer.Deserialize(json, TrailerJson.Default.Trailer) ?? throw Corrupt(file, "empty trailer");
        if (trailer.Size != length - FooterBytes - jsonLength) throw Corrupt(file, "size does not match trailer");
        return trailer;
    }

    private static InvalidDataException Corrupt(FileStream file, string what) =>
        new($"object file '{file.Name}' is corrupt: {what}");

    /// <summary>File name of an object inside its bucket folder: a 128-bit hash, so any valid name (up to 1 KiB, any characters) maps to a safe path.</summary>
    public static string RelativePath(string name)
    {
        var hash = System.IO.Hashing.XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(name));
        var hex = hash.ToString("x32");
        return Path.Combine(hex[..2], hex);
    }
}
