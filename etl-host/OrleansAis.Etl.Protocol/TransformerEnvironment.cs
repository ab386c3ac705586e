namespace OrleansAis.Etl.Protocol;

/// <summary>The environment a silo gives its transformer (names as in AIStore where AIStore has one).</summary>
public static class TransformerEnvironment
{
    /// <summary>This node's guarded raw-object endpoint for the ETL: <c>GET {url}/{bucket}/{object}</c> returns the raw bytes.</summary>
    public const string TargetUrl = "AIS_TARGET_URL";

    /// <summary>"true" when the transformer may deliver results straight to the destination owner.</summary>
    public const string DirectPut = "DIRECT_PUT";

    /// <summary>
    /// The TCP port to listen on (health, and hpull clients from other hosts). "0": bind a free port and report it in
    /// <see cref="PortFile"/>; a silo gives 0 to the hosts it knows do that, so that no other process can take the port
    /// between the silo choosing it and the transformer binding it.
    /// </summary>
    public const string Port = "PORT";

    /// <summary>
    /// A file to write the bound TCP port into (decimal, made to appear whole: written under another name, then
    /// renamed) once listening. When it exists the silo takes the port from it instead of from <see cref="Port"/>.
    /// </summary>
    public const string PortFile = "OAIS_ETL_PORT_FILE";

    public const string EtlName = "ETL_NAME";

    public const string NodeId = "OAIS_NODE_ID";

    /// <summary>
    /// A Unix socket path the transformer should also listen on. The silo sends objects over it when the file exists
    /// once /health answers; a transformer that ignores it is reached over TCP, as before.
    /// </summary>
    public const string ListenSocket = "OAIS_ETL_SOCKET";

    /// <summary>A Unix socket of the silo itself: requests to <see cref="TargetUrl"/>'s host may go over it instead of TCP.</summary>
    public const string TargetSocket = "OAIS_TARGET_SOCKET";

    /// <summary>
    /// The process id of the silo that started the transformer (process runtime only): a transformer exits once that
    /// process is gone, so a silo killed with SIGKILL leaves none behind. Not set for containers (their own pid space).
    /// </summary>
    public const string ParentPid = "OAIS_PARENT_PID";
}
