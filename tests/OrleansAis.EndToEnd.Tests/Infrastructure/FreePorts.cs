using System.Net;
using System.Net.Sockets;

namespace OrleansAis.EndToEnd.Tests.Infrastructure;

public static class FreePorts
{
    /// <summary>
    /// Free ports below Linux's ephemeral range (32768 and up), far enough apart for a small cluster to count up from
    /// each. A silo that is killed and restarted must bind its ports again; in the ephemeral range the kernel may have
    /// handed one to an outgoing connection meanwhile ("address already in use").
    /// </summary>
    public static int[] TakeBelowEphemeral(int count, int spacing = 64)
    {
        var ports = new List<int>();
        var start = Random.Shared.Next(20_000, 32_000 - count * spacing);
        for (var port = start; ports.Count < count && port < 32_768; port += spacing)
        {
            if (IsFree(port)) ports.Add(port);
        }
        return ports.Count == count ? ports.ToArray() : Take(count);
    }

    private static bool IsFree(int port)
    {
        try
        {
            var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            l.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

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
