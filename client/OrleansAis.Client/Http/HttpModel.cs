using System.Globalization;
using System.Text.Json.Nodes;
using OrleansAis.Etl;
using OrleansAis.Events;
using OrleansAis.Http.Contracts;
using OrleansAis.Jobs;
using OrleansAis.Units;

namespace OrleansAis.Client.Http;

/// <summary>
/// The contract's documents as the client's model (the types the grain transport returns as they are), and the
/// model as the documents requests carry. The inverse of the silo's mapping, kept next to the client that needs it.
/// </summary>
internal static class HttpModel
{
    public static BucketInfo Bucket(BucketDto b) => new() { Name = b.Name, Created = b.Created, Properties = b.Properties };

    public static ObjectMeta Meta(ObjectMetaDto m) => new()
    {
        Bucket = m.Bucket, Name = m.Name, Size = m.Size, Checksum = m.Checksum,
        ContentType = m.ContentType is { Length: > 0 } type ? type : "application/octet-stream",
        Custom = m.Custom, Version = m.Version, Modified = m.Modified, Node = m.Node,
    };

    public static ObjectListPage Page(ObjectPageDto page) => new()
    {
        Entries = page.Entries.Select(e => new ObjectEntry
        {
            Name = e.Name, Size = e.Size, Checksum = e.Checksum, Version = e.Version, Modified = e.Modified, Node = e.Node,
        }).ToList(),
        ContinuationToken = page.ContinuationToken,
    };

    public static NodeStats Node(ClusterNodeDto n) => new()
    {
        Node = new NodeInfo { NodeId = n.NodeId, SiloAddress = n.SiloAddress, HttpUrl = n.HttpUrl },
        Mountpaths = n.Mountpaths.Select(m => new MountpathStats { Path = m.Path, TotalBytes = m.TotalBytes, AvailableBytes = m.AvailableBytes }).ToList(),
        ObjectCount = n.ObjectCount,
        ObjectBytes = n.ObjectBytes,
        State = Enum.TryParse<NodeState>(n.State, ignoreCase: true, out var state) ? state : NodeState.Active,
        DrainedObjects = n.DrainedObjects,
        DrainError = n.DrainError,
        Error = n.Error,
        Joining = n.Joining,
    };

    public static EtlInfo Etl(EtlDetailsDto d) => new()
    {
        Spec = Spec(d.Spec),
        Stage = Stage(d.Stage),
        AbortReason = d.AbortReason,
        Nodes = d.Nodes.Select(n => new EtlNodeStatus
        {
            NodeId = n.Node, Stage = Stage(n.Stage), Error = n.Error, Runtime = n.Runtime, Endpoint = n.Endpoint, Transport = n.Transport,
            Restarts = n.Restarts, LastTransformError = n.LastTransformError,
            Counters = new EtlCounters { Objects = n.Objects, BytesIn = n.BytesIn, BytesOut = n.BytesOut, Errors = n.Errors },
        }).ToList(),
    };

    public static IReadOnlyList<EtlNodeStatus> Metrics(EtlMetricsDto m) => m.Nodes.Select(n => new EtlNodeStatus
    {
        NodeId = n.Node, Stage = Stage(n.Stage), Restarts = n.Restarts,
        Counters = new EtlCounters { Objects = n.Objects, BytesIn = n.BytesIn, BytesOut = n.BytesOut, Errors = n.Errors },
    }).ToList();

    private static EtlStage Stage(string stage) => Enum.TryParse<EtlStage>(stage, ignoreCase: true, out var s) ? s : EtlStage.Aborted;

    private static EtlSpec Spec(EtlSpecDto s) => new()
    {
        Name = s.Name,
        Runtime = new EtlRuntimeSpec
        {
            Image = s.Runtime.Image, Command = s.Runtime.Command, Env = s.Runtime.Env,
            Python = s.Runtime.Python is { } p ? new EtlPythonSpec { Source = p.Source, Function = p.Function, Packages = p.Packages } : null,
        },
        Communication = EtlCommunicationNames.TryParse(s.Communication, out var communication) ? communication : EtlCommunication.Hpush,
        Argument = s.Argument,
        InitTimeout = GoDuration.Parse(s.InitTimeout),
        ObjTimeout = GoDuration.Parse(s.ObjTimeout),
        SupportDirectPut = s.SupportDirectPut,
        Env = s.Env,
        Resources = new EtlResources { MemoryBytes = s.Resources.Memory, NanoCpus = s.Resources.CpuNanos },
    };

    /// <summary>The spec as the JSON text <c>PUT /v1/etl</c> takes (AIS field names), which the server parses and checks.</summary>
    public static string SpecText(EtlSpec spec)
    {
        var runtime = new JsonObject
        {
            ["command"] = new JsonArray(spec.Runtime.Command.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["env"] = Map(spec.Runtime.Env),
        };
        if (spec.Runtime.Image is { } image) runtime["image"] = image;
        if (spec.Runtime.Python is { } python)
        {
            runtime["python"] = new JsonObject
            {
                ["source"] = python.Source, ["function"] = python.Function,
                ["packages"] = new JsonArray(python.Packages.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
            };
        }
        var resources = new JsonObject();
        if (spec.Resources.MemoryBytes is { } memory) resources["memory"] = memory.ToString(CultureInfo.InvariantCulture);
        if (spec.Resources.NanoCpus is { } nanos) resources["cpu"] = (nanos / 1_000_000_000m).ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["name"] = spec.Name,
            ["runtime"] = runtime,
            ["communication"] = spec.Communication.ToScheme(),
            ["argument"] = spec.Argument,
            ["init_timeout"] = Seconds(spec.InitTimeout),
            ["obj_timeout"] = Seconds(spec.ObjTimeout),
            ["support_direct_put"] = spec.SupportDirectPut,
            ["env"] = Map(spec.Env),
            ["resources"] = resources,
        }.ToJsonString();
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";

    private static JsonObject Map(IReadOnlyDictionary<string, string> values)
    {
        var map = new JsonObject();
        foreach (var (k, v) in values) map[k] = v;
        return map;
    }

    public static JobStartRequest JobStart(EtlJobRequest r) => new()
    {
        Etl = r.Etl, FromBucket = r.SourceBucket, ToBucket = r.DestinationBucket, Prefix = r.Prefix, Names = r.Names, Template = r.Template,
        Ext = r.ExtensionMap, Prepend = r.Prepend, NumWorkers = r.NumWorkers, Mode = JobModeName(r.Mode), ContinueOnError = r.ContinueOnError,
        CreateDestination = r.CreateDestination, Incremental = r.Incremental, EtlArgs = r.EtlArgs,
        Pipeline = r.Pipeline?.Stages.Select(s => s.Etl).ToList(), PipelineArgs = r.Pipeline?.Stages.Select(s => s.EtlArgs).ToList(),
    };

    private static string JobModeName(JobMode mode) => mode switch
    {
        JobMode.DryRun => "dry-run",
        JobMode.Inspect => "inspect",
        _ => "transform",
    };

    public static EtlJobStatus Job(JobDetailsDto d) => new()
    {
        Id = d.Id,
        Request = new EtlJobRequest
        {
            Etl = d.Request.Pipeline is null ? d.Request.Etl : null,
            Pipeline = d.Request.Pipeline is { } stages
                ? new EtlPipeline { Stages = stages.Select(s => new EtlPipelineStage { Etl = s.Etl, EtlArgs = s.EtlArgs }).ToList() }
                : null,
            SourceBucket = d.Request.FromBucket, DestinationBucket = d.Request.ToBucket, Prefix = d.Request.Prefix,
            Names = d.Request.Names, Template = d.Request.Template, ExtensionMap = d.Request.Ext, Prepend = d.Request.Prepend,
            NumWorkers = d.Request.NumWorkers, Mode = Enum.TryParse<JobMode>(d.Request.Mode, ignoreCase: true, out var mode) ? mode : JobMode.Transform,
            ContinueOnError = d.Request.ContinueOnError, Incremental = d.Request.Incremental, EtlArgs = d.Request.EtlArgs,
        },
        State = JobStateOf(d.State),
        Started = d.Started,
        Finished = d.Finished,
        Reason = d.Reason,
        Nodes = d.Nodes.Select(n => new JobNodeStatus
        {
            NodeId = n.Node, State = n.State == JobNodeDto.Unreachable ? JobState.Running : JobStateOf(n.State), Objects = n.Objects, BytesIn = n.BytesIn, BytesOut = n.BytesOut, Skipped = n.Skipped,
            ErrorCount = n.ErrorCount, Errors = n.Errors.Select(e => new JobObjectError { Name = e.Name, Message = e.Message }).ToList(),
            Elapsed = TimeSpan.FromSeconds(n.ElapsedSeconds), Message = n.Message, Unreachable = n.State == JobNodeDto.Unreachable,
            TotalObjects = n.TotalObjects, TotalBytes = n.TotalBytes, Resumed = n.Resumed,
        }).ToList(),
    };

    /// <summary>A <c>job.progress</c> or <c>job.state</c> server-sent event as the stream event the grain transport delivers.</summary>
    public static JobEvent JobEvent(JobEventDto e) => new()
    {
        Kind = e.Kind == OaisEventKinds.JobState ? JobEventKind.State : JobEventKind.Progress, JobId = e.Job, Node = e.Node,
        State = JobStateOf(e.State), Objects = e.Objects, BytesIn = e.BytesIn, BytesOut = e.BytesOut, Skipped = e.Skipped, Errors = e.Errors,
        Message = e.Message, Time = e.Time, TotalObjects = e.TotalObjects, TotalBytes = e.TotalBytes,
    };

    /// <summary>An <c>object.*</c> server-sent event as the stream event the grain transport delivers; null for another kind.</summary>
    public static ObjectEvent? ObjectEvent(string kind, ObjectEventDto e) => kind switch
    {
        OaisEventKinds.ObjectCreated => ObjectEvent(ObjectEventKind.Created, e),
        OaisEventKinds.ObjectOverwritten => ObjectEvent(ObjectEventKind.Overwritten, e),
        OaisEventKinds.ObjectDeleted => ObjectEvent(ObjectEventKind.Deleted, e),
        _ => null,
    };

    private static ObjectEvent ObjectEvent(ObjectEventKind kind, ObjectEventDto e) => new()
    {
        Kind = kind, Bucket = e.Bucket, Name = e.Name, Version = e.Version, Size = e.Size, ETag = e.Etag, Checksum = e.Checksum, Node = e.Node,
        Time = e.Time,
    };

    // A state this client does not know yet is still not "running": waiting on it ends rather than hangs.
    private static JobState JobStateOf(string state) => Enum.TryParse<JobState>(state, ignoreCase: true, out var s) ? s : JobState.Interrupted;
}
