namespace OrleansAis.Etl.Protocol;

/// <summary>HTTP headers of the silo-transformer protocol (names as in AIStore).</summary>
public static class TransformerHeaders
{
    /// <summary>On a request: PUT the result to this URL (direct put) instead of answering with it.</summary>
    public const string NodeUrl = "Ais-Node-Url";

    /// <summary>On the answer to a direct put: how many bytes were delivered to the destination.</summary>
    public const string DirectPutLength = "Ais-Direct-Put-Length";
}

/// <summary>Query parameters of the silo-transformer protocol (names as in AIStore).</summary>
public static class TransformerQuery
{
    /// <summary>The caller's arguments for this transform.</summary>
    public const string EtlArgs = "etl_args";

    /// <summary>fqn mode: the absolute path of the object's file, which the transformer reads instead of a body.</summary>
    public const string Fqn = "etl_fqn";

    /// <summary>
    /// Ours (AIStore cannot pipeline through hpull): on an hpull/hrev request for a pipeline stage after the first, the
    /// token under which the silo serves that stage's input. The transformer appends it, as <c>?oais_input=TOKEN</c>, to
    /// its fetch from AIS_TARGET_URL; without it the fetch returns the stored object, and the silo fails the stage.
    /// </summary>
    public const string Input = "oais_input";
}
