using OrleansAis.Etl;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Silo.Http.Etl;

/// <summary>ETLs as the contract's documents (AIS field names for the spec).</summary>
public static class EtlJson
{
    public static EtlSummaryDto Summary(EtlInfo info) => new(
        info.Spec.Name, info.Stage.ToString(), info.Spec.Communication.ToScheme(), info.AbortReason,
        info.Nodes.Sum(n => n.Counters.Objects), info.Nodes.Sum(n => n.Counters.Errors));

    public static EtlDetailsDto Details(EtlInfo info, string? degraded = null) => new(
        info.Spec.Name, info.Stage.ToString(), info.AbortReason, Spec(info.Spec),
        info.Nodes.Select(n => new EtlNodeDto(n.NodeId, NodeStage(n), n.Error, n.LastTransformError, n.Runtime, n.Endpoint, n.Transport, n.Restarts,
            n.Counters.Objects, n.Counters.BytesIn, n.Counters.BytesOut, n.Counters.Errors)).ToList(),
        degraded);

    public static EtlMetricsDto Metrics(EtlInfo info) => new(
        info.Spec.Name,
        info.Nodes.Select(n => new EtlNodeMetricsDto(n.NodeId, NodeStage(n), n.Counters.Objects, n.Counters.BytesIn,
            n.Counters.BytesOut, n.Counters.Errors, n.Restarts)).ToList());

    /// <summary>The node's stage, or "Unreachable" when it did not answer (its error says why).</summary>
    private static string NodeStage(EtlNodeStatus n) => n.Unreachable ? EtlNodeDto.Unreachable : n.Stage.ToString();

    public static EtlSpecDto Spec(EtlSpec spec) => new(
        spec.Name,
        new EtlRuntimeDto(spec.Runtime.Image, spec.Runtime.Command, spec.Runtime.Env,
            spec.Runtime.Python is { } python ? new EtlPythonDto(python.Source, python.Function, python.Packages) : null),
        spec.Communication.ToScheme(),
        spec.Argument,
        $"{spec.InitTimeout.TotalSeconds}s",
        $"{spec.ObjTimeout.TotalSeconds}s",
        spec.SupportDirectPut,
        spec.Env,
        new EtlResourcesDto(spec.Resources.MemoryBytes, spec.Resources.NanoCpus));
}
