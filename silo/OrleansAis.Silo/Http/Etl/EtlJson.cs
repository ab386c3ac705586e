using OrleansAis.Etl;

namespace OrleansAis.Silo.Http.Etl;

/// <summary>The JSON shapes of ETLs in the AIS-style API (snake_case, AIS field names for the spec).</summary>
public static class EtlJson
{
    public static object Summary(EtlInfo info) => new
    {
        name = info.Spec.Name,
        stage = info.Stage,
        communication = info.Spec.Communication.ToScheme(),
        abort_reason = info.AbortReason,
        objects = info.Nodes.Sum(n => n.Counters.Objects),
        errors = info.Nodes.Sum(n => n.Counters.Errors),
    };

    public static object Details(EtlInfo info) => new
    {
        name = info.Spec.Name,
        stage = info.Stage,
        abort_reason = info.AbortReason,
        spec = Spec(info.Spec),
        nodes = info.Nodes.Select(n => new
        {
            node = n.NodeId, stage = n.Stage, error = n.Error, last_transform_error = n.LastTransformError, runtime = n.Runtime, endpoint = n.Endpoint, restarts = n.Restarts,
            objects = n.Counters.Objects, bytes_in = n.Counters.BytesIn, bytes_out = n.Counters.BytesOut, errors = n.Counters.Errors,
        }),
    };

    public static object Spec(EtlSpec spec) => new
    {
        name = spec.Name,
        runtime = new
        {
            image = spec.Runtime.Image, command = spec.Runtime.Command, env = spec.Runtime.Env,
            python = spec.Runtime.Python is { } python ? new { source = python.Source, function = python.Function, packages = python.Packages } : null,
        },
        communication = spec.Communication.ToScheme(),
        argument = spec.Argument,
        init_timeout = $"{spec.InitTimeout.TotalSeconds}s",
        obj_timeout = $"{spec.ObjTimeout.TotalSeconds}s",
        support_direct_put = spec.SupportDirectPut,
        env = spec.Env,
        resources = new { memory = spec.Resources.MemoryBytes, cpu_nanos = spec.Resources.NanoCpus },
    };
}
