using System.Net;
using System.Net.Sockets;

namespace OrleansAis.Benchmarks.Hosting;

public static class FreePorts
{
    /// <summary>Loopback ports the OS reports free right now (all bound at once, so they are distinct, then released).</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return listener;
        }).ToList();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
