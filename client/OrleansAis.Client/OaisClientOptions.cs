namespace OrleansAis.Client;

/// <summary>How object bytes travel between this client and the owner silo.</summary>
public enum ObjectTransport
{
    /// <summary>HTTP straight to the owner when it publishes an HTTP endpoint, else chunked grain calls.</summary>
    Auto,
    /// <summary>Always bounded-chunk grain calls through the Orleans gateway (no HTTP port needed).</summary>
    Grain,
    /// <summary>Always HTTP to the owner; fails when the owner has no HTTP endpoint.</summary>
    Http,
}

public sealed class OaisClientOptions
{
    public ObjectTransport Transport { get; set; } = ObjectTransport.Auto;

    /// <summary>Bytes per grain call on the chunked path (at most <see cref="Grains.Transfer.MaxChunkBytes"/>).</summary>
    public int ChunkBytes { get; set; } = Grains.Transfer.ChunkBytes;
}
