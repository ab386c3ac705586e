using System.Buffers;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// Checksums of one object's generated content: xxhash64 (the store's checksum, sent with the PUT) and, for the
/// md5/sha256 transformers, the digest their output must equal. Computed once per name by generating the content
/// without keeping it.
/// </summary>
internal sealed record ContentFingerprint(long Size, string Xxh64, string? Md5, string? Sha256)
{
    public static ContentFingerprint Compute(ulong seed, long size, bool md5, bool sha256)
    {
        var generator = new ContentGenerator(seed);
        var xxh = new XxHash64();
        using var md5Hash = md5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        using var shaHash = sha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(GeneratedContent.BlockSize);
        try
        {
            for (var remaining = size; remaining > 0;)
            {
                var block = buffer.AsSpan(0, (int)Math.Min(GeneratedContent.BlockSize, remaining));
                generator.Fill(block);
                xxh.Append(block);
                md5Hash?.AppendData(block);
                shaHash?.AppendData(block);
                remaining -= block.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new ContentFingerprint(size, Hex(xxh.GetCurrentHashAsUInt64()),
            md5Hash is null ? null : Convert.ToHexStringLower(md5Hash.GetHashAndReset()),
            shaHash is null ? null : Convert.ToHexStringLower(shaHash.GetHashAndReset()));
    }

    /// <summary>The store's spelling of an xxhash64: 16 lowercase hex digits.</summary>
    public static string Hex(ulong hash) => hash.ToString("x16");
}
