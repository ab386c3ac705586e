using System.IO.Hashing;
using System.Security.Cryptography;

namespace OrleansAis.Storage;

/// <summary>
/// An incremental hash of content in the byte form S3 headers carry (base64 or hex of these bytes): the
/// x-amz-checksum-* algorithms, MD5 (Content-MD5) and SHA-256 (x-amz-content-sha256). CRCs are big-endian, as S3 sends
/// them. The CRCs are System.IO.Hashing's (CRC-32C and CRC-64/NVME through its parameter sets), vectorised where the CPU can.
/// </summary>
public abstract class ContentHash
{
    /// <summary>S3 names of the x-amz-checksum-* algorithms.</summary>
    public static readonly IReadOnlyList<string> ChecksumAlgorithms = ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"];

    public abstract void Append(ReadOnlySpan<byte> data);
    public abstract byte[] Finish();

    /// <summary>The hash for an S3 algorithm name (case-insensitive), or null when unknown.</summary>
    public static ContentHash? For(string algorithm) => algorithm.ToLowerInvariant() switch
    {
        "crc32" => new Crc(new Crc32()),
        "crc32c" => new Crc(new Crc32(Crc32ParameterSet.Crc32C)),
        "crc64nvme" => new Crc(new Crc64(Crc64ParameterSet.Nvme)),
        "sha1" => new Cryptographic(HashAlgorithmName.SHA1),
        "sha256" => new Cryptographic(HashAlgorithmName.SHA256),
        "md5" => new Cryptographic(HashAlgorithmName.MD5),
        _ => null,
    };

    private sealed class Cryptographic(HashAlgorithmName name) : ContentHash
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(name);
        public override void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);
        public override byte[] Finish() => _hash.GetHashAndReset();
    }

    /// <summary>System.IO.Hashing CRCs produce little-endian bytes; S3 wants the number big-endian.</summary>
    private sealed class Crc(NonCryptographicHashAlgorithm crc) : ContentHash
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
