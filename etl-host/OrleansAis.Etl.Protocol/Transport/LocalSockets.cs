using System.Net;
using System.Net.Sockets;

namespace OrleansAis.Etl.Protocol.Transport;

/// <summary>
/// HTTP over a Unix socket to a peer on the same host (silo and transformer). Loopback TCP runs every byte through
/// the TCP/IP stack twice (segmentation, ACKs, window updates, softirqs); a Unix socket copies it once each way.
/// </summary>
public static class LocalSockets
{
    /// <summary>Connects to <paramref name="path"/>; failures are <see cref="HttpRequestException"/>s, as for TCP.</summary>
    /// <summary>
    /// A Unix socket's writes are bounded by the sender's buffer (208 KiB by default): with room for a whole 1 MiB
    /// object, the sender hands it over in one call and the receiver is woken once per read, not once per 208 KiB.
    /// Capped by the kernel at <c>net.core.wmem_max</c>.
    /// </summary>
    public const int SendBufferBytes = 2 << 20;

    public static async ValueTask<Socket> ConnectAsync(string path, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { SendBufferSize = SendBufferBytes };
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new HttpRequestException($"connecting to {path} failed: {e.Message}", e);
        }
    }

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> over TCP with Nagle off.</summary>
    public static async ValueTask<Socket> ConnectTcpAsync(string host, int port, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, ct);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new HttpRequestException($"connecting to {host}:{port} failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// A handler whose connections to <paramref name="local"/>'s host and port go over the Unix socket
    /// <paramref name="path"/>, and every other connection over TCP. A null path means TCP for everything.
    /// </summary>
    public static SocketsHttpHandler Handler(string? path, Uri? local)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 256,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        if (path is null || local is null) return handler;
        handler.ConnectCallback = async (context, ct) =>
        {
            var endpoint = context.DnsEndPoint;
            var socket = IsLocal(endpoint, local) ? await ConnectAsync(path, ct) : await ConnectTcpAsync(endpoint.Host, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        };
        return handler;
    }

    private static bool IsLocal(DnsEndPoint endpoint, Uri local) =>
        endpoint.Port == local.Port && string.Equals(endpoint.Host, local.Host, StringComparison.OrdinalIgnoreCase);
}
