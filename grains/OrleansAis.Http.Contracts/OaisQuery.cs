namespace OrleansAis.Http.Contracts;

/// <summary>The query parameter names of the AIS-style API (snake_case, AIS names where AIS has them).</summary>
public static class OaisQuery
{
    /// <summary>GET object: transform inline with this ETL, passing it <see cref="EtlArgs"/>.</summary>
    public const string EtlName = "etl_name";
    /// <summary>
    /// Repeated once per stage for a pipeline, or given once for every stage (as AIStore forwards it); see
    /// <see cref="EtlPipelineSpelling"/>.
    /// </summary>
    public const string EtlArgs = "etl_args";
    /// <summary>GET object: transform inline through a pipeline of ETLs, <c>a,b,c</c> (or <c>a&gt;&gt;b&gt;&gt;c</c>, as in <see cref="EtlName"/>).</summary>
    public const string EtlPipeline = "etl_pipeline";

    /// <summary>GET/HEAD object: "true" proxies from the owner instead of redirecting (as <see cref="OaisHeaders.Proxy"/>).</summary>
    public const string Proxy = "proxy";

    /// <summary>POST object: what to do with it; <see cref="CopyAction"/> copies it (body: <c>ObjectCopyRequest</c>).</summary>
    public const string Action = "action";
    public const string CopyAction = "copy";

    /// <summary>List objects.</summary>
    public const string Prefix = "prefix";
    public const string PageSize = "page_size";
    public const string ContinuationToken = "continuation_token";
    /// <summary>List objects: "true" lists what the reachable nodes hold while a node is down (flagged partial) instead of 503.</summary>
    public const string Partial = "partial";

    /// <summary>The page size when a listing names none, and the largest it may name.</summary>
    public const int DefaultPageSize = 1000;
    public const int MaxPageSize = 10_000;

    /// <summary>DELETE bucket: also delete its objects.</summary>
    public const string Force = "force";

    /// <summary>Decommission: stop the node once it has handed over its objects.</summary>
    public const string Shutdown = "shutdown";

    /// <summary>ETL logs: one node's, and how many lines.</summary>
    public const string Node = "node";
    public const string Lines = "lines";

    /// <summary>GET job: answer once the job is no longer running, or after this many seconds (long poll).</summary>
    public const string Wait = "wait";

    /// <summary>Events: what to follow, exactly one of a bucket, an ETL or a job.</summary>
    public const string Bucket = "bucket";
    public const string Etl = "etl";
    public const string Job = "job";

    /// <summary>Direct put by a transformer: the source object the result was produced from.</summary>
    public const string Source = "src";
}
