namespace OrleansAis.Etl.Protocol;

/// <summary>The environment a silo gives its transformer (names as in AIStore where AIStore has one).</summary>
public static class TransformerEnvironment
{
    /// <summary>This node's guarded raw-object endpoint for the ETL: <c>GET {url}/{bucket}/{object}</c> returns the raw bytes.</summary>
    public const string TargetUrl = "AIS_TARGET_URL";

    /// <summary>"true" when the transformer may deliver results straight to the destination owner.</summary>
    public const string DirectPut = "DIRECT_PUT";

    /// <summary>The TCP port to listen on (health, and hpull clients from other hosts).</summary>
    public const string Port = "PORT";

    public const string EtlName = "ETL_NAME";

    public const string NodeId = "OAIS_NODE_ID";

    /// <summary>
    /// A Unix socket path the transformer should also listen on. The silo sends objects over it when the file exists
    /// once /health answers; a transformer that ignores it is reached over TCP, as before.
    /// </summary>
    public const string ListenSocket = "OAIS_ETL_SOCKET";

    /// <summary>A Unix socket of the silo itself: requests to <see cref="TargetUrl"/>'s host may go over it instead of TCP.</summary>
    public const string TargetSocket = "OAIS_TARGET_SOCKET";
}
