using System.Net;
using System.Net.Sockets;

namespace OrleansAis.EndToEnd.Tests.Infrastructure;

public static class FreePorts
{
    /// <summary>Ports the OS reports free right now (bound to port 0, then released).</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return l;
        }).ToList();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
