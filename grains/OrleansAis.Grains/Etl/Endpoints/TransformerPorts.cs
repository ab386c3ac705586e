using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OrleansAis.Etl.Endpoints;

/// <summary>
/// How a transformer gets its TCP port. Our SDK hosts (the built-in etl-host, runtime.python) get PORT=0: they bind a
/// free port themselves and report it in the port file, so no other process can take it in between. Any other
/// transformer must be told a port (AIS's contract), which is only free when chosen: the launcher then watches for a
/// bind conflict and retries with another one.
/// </summary>
public class TransformerPorts
{
    /// <summary>True when the spec runs one of our SDK hosts, which bind port 0 and report the port they got.</summary>
    public static bool ReportedBy(EtlSpec spec) => spec.Runtime.Python is not null || spec.Runtime.Command is ["etl-host", ..];

    /// <summary>A port free at this moment, to hand a transformer that cannot pick its own (virtual: tests hand taken ones).</summary>
    public virtual int Candidate()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The port the transformer reported in <paramref name="portFile"/>, or null while it has not.</summary>
    public static int? Reported(string? portFile)
    {
        if (portFile is null || !File.Exists(portFile)) return null;
        try
        {
            return int.TryParse(File.ReadAllText(portFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
                ? port
                : null;
        }
        catch (FileNotFoundException)
        {
            return null; // replaced between the check and the read (a restarted transformer): not reported yet
        }
    }

    /// <summary>
    /// True when a transformer's last output says its port was taken: the wording of Go, Python, .NET and Node.js servers.
    /// </summary>
    public static bool ConflictIn(string output) =>
        output.Contains("address already in use", StringComparison.OrdinalIgnoreCase) ||
        output.Contains("EADDRINUSE", StringComparison.Ordinal);
}
