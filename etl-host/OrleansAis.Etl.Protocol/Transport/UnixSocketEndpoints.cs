using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansAis.Etl.Protocol.Transport;

/// <summary>Kestrel's side of the Unix sockets between a silo and its transformers.</summary>
public static class UnixSocketEndpoints
{
    /// <summary>
    /// Connections accepted on a Unix socket endpoint get a send buffer of <see cref="LocalSockets.SendBufferBytes"/>:
    /// what the server sends back (a transformed object, a raw object for hrev) then crosses in few writes.
    /// </summary>
    public static void UseLargeUnixSendBuffers(this KestrelServerOptions kestrel) => kestrel.ConfigureEndpointDefaults(UseLargeUnixSendBuffers);

    /// <summary>As above, for one endpoint (Kestrel keeps one endpoint-defaults callback, so hosts with more to set compose them).</summary>
    public static void UseLargeUnixSendBuffers(this ListenOptions listen)
    {
        if (listen.SocketPath is null) return;
        listen.Use(next => connection =>
        {
            if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket) socket.SendBufferSize = LocalSockets.SendBufferBytes;
            return next(connection);
        });
    }
}
