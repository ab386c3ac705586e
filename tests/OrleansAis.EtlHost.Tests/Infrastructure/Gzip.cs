using System.IO.Compression;

namespace OrleansAis.EtlHost.Tests.Infrastructure;

public static class Gzip
{
    public static byte[] Decompress(byte[] compressed)
    {
        using var gunzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var plain = new MemoryStream();
        gunzip.CopyTo(plain);
        return plain.ToArray();
    }
}
