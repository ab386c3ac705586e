using Microsoft.Extensions.Options;

namespace OrleansAis.Etl.Endpoints;

/// <summary>
/// The folder of this silo's Unix sockets: one per transformer (the silo sends objects over it) and the silo's own
/// (transformers fetch raw objects and deliver direct puts over it); also where transformers report their TCP port.
/// Short and private: a socket path has at most 107 bytes, and only this silo and its transformers may connect.
/// Containers get it bind-mounted at the same path.
/// </summary>
public sealed class LocalSocketDirectory : IDisposable
{
    private readonly bool _owned;

    public LocalSocketDirectory(IOptions<EtlOptions> options)
    {
        var configured = options.Value.SocketDirectory;
        // Made with sockets off too: the port files live here.
        Enabled = options.Value.UnixSockets;
        if (configured is { Length: > 0 })
        {
            Directory.CreateDirectory(configured);
            Path = System.IO.Path.GetFullPath(configured);
        }
        else
        {
            Path = Directory.CreateTempSubdirectory("oais-").FullName; // mode 0700
            _owned = true;
        }
    }

    /// <summary>False when Etl:UnixSockets is off: transformers are reached over loopback TCP only.</summary>
    public bool Enabled { get; }

    public string Path { get; }

    /// <summary>Where the silo's HTTP server listens for its transformers, or null when sockets are off.</summary>
    public string? SiloSocket => Enabled ? System.IO.Path.Combine(Path, "silo.sock") : null;

    /// <summary>Where the transformer of ETL <paramref name="etlName"/> is asked to listen, or null when sockets are off.</summary>
    public string? TransformerSocket(string etlName) => Enabled ? System.IO.Path.Combine(Path, etlName + ".sock") : null;

    /// <summary>Where the transformer of ETL <paramref name="etlName"/> reports the TCP port it bound.</summary>
    public string PortFile(string etlName) => System.IO.Path.Combine(Path, etlName + ".port");

    public void Dispose()
    {
        if (!_owned) return;
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a transformer still shutting down holds its socket; the temp folder is swept anyway
    }
}
