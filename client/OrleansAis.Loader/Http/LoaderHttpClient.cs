using System.Net;

namespace OrleansAis.Loader.Http;

/// <summary>The one HttpClient of a run: pooled connections without a per-host cap, redirects followed (307 to the owner).</summary>
internal static class LoaderHttpClient
{
    public static HttpClient Create(int workers) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 5,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = Math.Max(workers * 2, 16),
        // A silo that restarts on the same port leaves dead pooled connections; keep their life short under churn.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        UseCookies = false,
        UseProxy = false,
    })
    {
        // Per-request timeouts come from --timeout through cancellation tokens.
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
