using System.Globalization;
using Microsoft.Extensions.Logging;

namespace OrleansAis.Etl.Sdk;

/// <summary>The port file of the wire contract (OAIS_ETL_PORT_FILE): the TCP port this host bound, for the silo to read.</summary>
internal static class PortReport
{
    /// <summary>The TCP port among the listening <paramref name="urls"/> (the other one, if any, is the Unix socket).</summary>
    public static int TcpPort(IEnumerable<string> urls) =>
        urls.Where(url => !url.StartsWith("http://unix:", StringComparison.Ordinal)).Select(url => new Uri(url).Port).First();

    /// <summary>Writes under a temporary name and renames, so that the silo never reads half a number; false (logged) when it cannot.</summary>
    public static bool TryWrite(string path, int port, ILogger log)
    {
        try
        {
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, port.ToString(CultureInfo.InvariantCulture));
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogError("cannot report port {Port} in {PortFile}: {Reason}", port, path, e.Message);
            return false;
        }
    }
}
