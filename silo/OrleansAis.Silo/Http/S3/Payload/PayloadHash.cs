using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Security.Cryptography;

namespace OrleansAis.Silo.Http.S3.Payload;

/// <summary>
/// An incremental hash of a request body in the byte form S3 headers carry (base64 or hex of these bytes):
/// the x-amz-checksum-* algorithms, Content-MD5 and x-amz-content-sha256. CRCs are big-endian, as S3 sends them.
/// </summary>
public abstract class PayloadHash
{
    /// <summary>S3 names of the x-amz-checksum-* algorithms.</summary>
    public static readonly IReadOnlyList<string> ChecksumAlgorithms = ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"];

    public abstract void Append(ReadOnlySpan<byte> data);
    public abstract byte[] Finish();

    /// <summary>The hash for an S3 algorithm name (case-insensitive), or null when unknown.</summary>
    public static PayloadHash? For(string algorithm) => algorithm.ToLowerInvariant() switch
    {
        "crc32" => new Crc(new Crc32()),
        "crc32c" => new Crc(new Crc32C()),
        "crc64nvme" => new Crc(new Crc64Nvme()),
        "sha1" => new Cryptographic(HashAlgorithmName.SHA1),
        "sha256" => new Cryptographic(HashAlgorithmName.SHA256),
        "md5" => new Cryptographic(HashAlgorithmName.MD5),
        _ => null,
    };

    private sealed class Cryptographic(HashAlgorithmName name) : PayloadHash
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(name);
        public override void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);
        public override byte[] Finish() => _hash.GetHashAndReset();
    }

    /// <summary>System.IO.Hashing CRCs produce little-endian bytes; S3 wants the number big-endian.</summary>
    private sealed class Crc(NonCryptographicHashAlgorithm crc) : PayloadHash
    {
        public override void Append(ReadOnlySpan<byte> data) => crc.Append(data);

        public override byte[] Finish()
        {
            var bytes = crc.GetHashAndReset();
            Array.Reverse(bytes);
            return bytes;
        }
    }
}

/// <summary>CRC-32C (Castagnoli), with the CPU's CRC32 instructions where there are any.</summary>
public sealed class Crc32C : NonCryptographicHashAlgorithm
{
    private uint _crc = uint.MaxValue;

    public Crc32C() : base(sizeof(uint)) { }

    public override void Append(ReadOnlySpan<byte> source)
    {
        var crc = _crc;
        while (source.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(source));
            source = source[sizeof(ulong)..];
        }
        foreach (var b in source) crc = BitOperations.Crc32C(crc, b);
        _crc = crc;
    }

    public override void Reset() => _crc = uint.MaxValue;

    protected override void GetCurrentHashCore(Span<byte> destination) => BinaryPrimitives.WriteUInt32LittleEndian(destination, ~_crc);
}

/// <summary>CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5, all-ones init and final xor), table-driven.</summary>
public sealed class Crc64Nvme : NonCryptographicHashAlgorithm
{
    private static readonly ulong[] Table = BuildTable();
    private ulong _crc = ulong.MaxValue;

    public Crc64Nvme() : base(sizeof(ulong)) { }

    public override void Append(ReadOnlySpan<byte> source)
    {
        var crc = _crc;
        foreach (var b in source) crc = Table[(byte)(crc ^ b)] ^ (crc >> 8);
        _crc = crc;
    }

    public override void Reset() => _crc = ulong.MaxValue;

    protected override void GetCurrentHashCore(Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, ~_crc);

    private static ulong[] BuildTable()
    {
        const ulong polynomial = 0x9A6C9329AC4BC9B5;
        var table = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1;
            table[i] = crc;
        }
        return table;
    }
}
