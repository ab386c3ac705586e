namespace OrleansAis.Http.Contracts;

/// <summary>
/// The route templates of the AIS-style API (what the silo maps) and the request paths built from them (what clients
/// send). Paths are relative (no leading '/'), so an endpoint with a path prefix keeps it; every value is escaped here
/// and only here, an object name segment by segment so its '/' stay separators.
/// </summary>
public static class OaisRoutes
{
    public const string Health = "/v1/health";
    public const string Cluster = "/v1/cluster";
    public const string Decommission = "/v1/cluster/nodes/{id}/decommission";

    public const string Buckets = "/v1/buckets";
    public const string Bucket = "/v1/buckets/{bucket}";
    /// <summary>The transform-on-write rules reading a bucket: PUT adds or replaces one, GET lists them with their status.</summary>
    public const string BucketTransforms = "/v1/buckets/{bucket}/transforms";
    /// <summary>One rule, named by its source and destination buckets: DELETE removes it.</summary>
    public const string BucketTransform = "/v1/buckets/{bucket}/transforms/{to_bucket}";
    /// <summary>Every transform-on-write rule of the cluster, with its status.</summary>
    public const string Transforms = "/v1/transforms";

    /// <summary>The object name is taken from the raw target, not from the route value (see the silo's RawPath).</summary>
    public const string Object = "/v1/objects/{**path}";

    public const string Etls = "/v1/etl";
    public const string Etl = "/v1/etl/{name}";
    public const string EtlStop = "/v1/etl/{name}/stop";
    public const string EtlStart = "/v1/etl/{name}/start";
    public const string EtlLogs = "/v1/etl/{name}/logs";
    public const string EtlMetrics = "/v1/etl/{name}/metrics";
    public const string EtlCopy = "/v1/etl/{name}/copy";

    /// <summary>Where an ETL's transformers read raw objects (GET) and deliver direct-put results (PUT), guarded by a secret.</summary>
    public const string TransformerObject = "/v1/etl/_object/{name}/{secret}/{**path}";

    public const string Jobs = "/v1/jobs";
    public const string StartEtlJob = "/v1/jobs/etl";
    public const string Job = "/v1/jobs/{id}";
    public const string JobAbort = "/v1/jobs/{id}/abort";

    /// <summary>Server-sent events of one bucket, ETL or job (<see cref="OaisQuery.Bucket"/>, <c>etl</c>, <c>job</c>).</summary>
    public const string Events = "/v1/events";

    /// <summary>Every other /v1 path: answered with <see cref="OaisErrorCode.NoSuchEndpoint"/>.</summary>
    public const string Unmatched = "/v1/{**path}";

    public static string HealthPath() => Expand(Health);
    public static string ClusterPath() => Expand(Cluster);
    /// <summary>The events of one subject: <paramref name="subject"/> is <see cref="OaisQuery.Bucket"/>, <see cref="OaisQuery.Etl"/> or <see cref="OaisQuery.Job"/>.</summary>
    public static string EventsPath(string subject, string value) => WithQuery(Expand(Events), (subject, value));
    public static string DecommissionPath(string nodeId) => Expand(Decommission, Escape(nodeId));
    public static string BucketsPath() => Expand(Buckets);
    public static string BucketPath(string bucket) => Expand(Bucket, Escape(bucket));
    public static string BucketTransformsPath(string bucket) => Expand(BucketTransforms, Escape(bucket));
    public static string BucketTransformPath(string bucket, string toBucket) => Expand(BucketTransform, Escape(bucket), Escape(toBucket));
    public static string TransformsPath() => Expand(Transforms);
    public static string ObjectPath(string bucket, string name) => Expand(Object, ObjectTarget(bucket, name));
    public static string EtlsPath() => Expand(Etls);
    public static string EtlPath(string name) => Expand(Etl, Escape(name));
    public static string EtlStopPath(string name) => Expand(EtlStop, Escape(name));
    public static string EtlStartPath(string name) => Expand(EtlStart, Escape(name));
    public static string EtlLogsPath(string name) => Expand(EtlLogs, Escape(name));
    public static string EtlMetricsPath(string name) => Expand(EtlMetrics, Escape(name));
    public static string EtlCopyPath(string name) => Expand(EtlCopy, Escape(name));
    public static string JobsPath() => Expand(Jobs);
    public static string StartEtlJobPath() => Expand(StartEtlJob);
    public static string JobPath(string id) => Expand(Job, Escape(id));
    public static string JobAbortPath(string id) => Expand(JobAbort, Escape(id));

    /// <summary>
    /// The transformer endpoint of one ETL on one node, without the object part: AIS_TARGET_URL, to which transformers
    /// append <c>/{bucket}/{object}</c> themselves.
    /// </summary>
    public static string TransformerObjectBase(string name, string secret)
    {
        var path = Expand(TransformerObject, Escape(name), Escape(secret), "");
        return path.TrimEnd('/');
    }

    /// <summary>How many leading segments of <see cref="TransformerObject"/> come before the bucket.</summary>
    public static int TransformerObjectPrefixSegments => SegmentsBeforeCatchAll(TransformerObject);

    /// <summary>How many leading segments of <see cref="Object"/> come before the bucket.</summary>
    public static int ObjectPrefixSegments => SegmentsBeforeCatchAll(Object);

    /// <summary><c>bucket/name</c> escaped for a path: the bucket as one segment, the name segment by segment.</summary>
    public static string ObjectTarget(string bucket, string name) =>
        Escape(bucket) + "/" + string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    /// <summary>Appends the parameters that have a value as an escaped query string.</summary>
    public static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? path : path + "?" + string.Join('&', present);
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    /// <summary>The template with its parameters replaced in order by the already escaped values, relative.</summary>
    private static string Expand(string template, params string[] escaped)
    {
        var result = new System.Text.StringBuilder(template.Length + 32);
        var next = 0;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '{')
            {
                result.Append(template[i]);
                continue;
            }
            var close = template.IndexOf('}', i);
            result.Append(escaped[next++]);
            i = close;
        }
        if (next != escaped.Length) throw new ArgumentException($"{template} takes {next} values, not {escaped.Length}", nameof(escaped));
        return result.ToString().TrimStart('/');
    }

    private static int SegmentsBeforeCatchAll(string template) =>
        template.TrimStart('/').Split('/').TakeWhile(s => !s.StartsWith("{**", StringComparison.Ordinal)).Count();
}
