using System.Security.Cryptography;
using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>The lowercase hex digest of the object (md5 or sha256), computed while streaming.</summary>
public sealed class HashTransformer(HashAlgorithmName algorithm) : ITransformer
{
    public static readonly HashAlgorithmName Md5 = HashAlgorithmName.MD5;
    public static readonly HashAlgorithmName Sha256 = HashAlgorithmName.SHA256;

    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(algorithm);
        var buffer = new byte[1 << 16];
        int n;
        while ((n = await request.Input.ReadAsync(buffer, ct)) > 0) hash.AppendData(buffer, 0, n);
        await output.WriteAsync(System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(hash.GetHashAndReset())), ct);
    }
}
