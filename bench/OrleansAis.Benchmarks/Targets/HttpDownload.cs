using System.Buffers;
using System.Net;

namespace OrleansAis.Benchmarks.Targets;

/// <summary>The HTTP side shared by every HTTP target: one tuned client for the load, and a GET that reads the whole body.</summary>
public static class HttpDownload
{
    private const int ReadBufferBytes = 128 << 10;

    /// <summary>
    /// A client for load: one pooled connection per worker, no proxy (loopback must stay loopback), redirects followed
    /// (any silo may answer with a 307 to the object's owner).
    /// </summary>
    public static HttpClient CreateLoadClient(int workers) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = workers,
        UseProxy = false,
        AllowAutoRedirect = true,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>GETs <paramref name="url"/> and reads the body to its end (into a scratch buffer); returns the byte count.</summary>
    public static async Task<long> ReadToEndAsync(HttpClient http, Uri url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            long total = 0;
            int n;
            while ((n = await body.ReadAsync(buffer, ct)) > 0) total += n;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
