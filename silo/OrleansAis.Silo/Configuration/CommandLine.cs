namespace OrleansAis.Silo.Configuration;

/// <summary>Short command-line switches for the common settings (any setting also works as --Section:Key=value).</summary>
public static class CommandLine
{
    public static readonly Dictionary<string, string> Switches = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--data"] = "Store:DataDirectory",
        ["--node-id"] = "Node:Id",
        ["--clustering"] = "Silo:Clustering",
        ["--silo-port"] = "Silo:SiloPort",
        ["--gateway-port"] = "Silo:GatewayPort",
        ["--http-port"] = "Silo:HttpPort",
        ["--listen"] = "Silo:ListenAddress",
        ["--advertise"] = "Silo:AdvertisedHost",
        ["--primary"] = "Silo:PrimarySiloEndpoint",
        ["--redis"] = "Silo:RedisConnectionString",
        ["--cluster-state"] = "ClusterState:Directory",
    };

    /// <summary>
    /// "--mountpath A --mountpath B" (or "--mountpaths A,B") become Store:Mountpaths:0..n, which the
    /// configuration command-line provider cannot express by itself.
    /// </summary>
    public static (string[] Remaining, Dictionary<string, string?> Mountpaths) ExtractMountpaths(string[] args)
    {
        var rest = new List<string>();
        var paths = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a is "--mountpath" or "--mountpaths" && i + 1 < args.Length)
                paths.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            else
                rest.Add(a);
        }
        return (rest.ToArray(), paths.Select((p, i) => (p, i)).ToDictionary(x => $"Store:Mountpaths:{x.i}", x => (string?)x.p));
    }
}
