using System.Text.Json;

namespace OrleansAis.Cli.Http;

// The ETL and job documents of the HTTP API (docs/ETL.md). Stages, states and modes stay the server's strings, so a
// state the CLI does not know yet is still shown as it is. --json prints these records back in the same snake_case.

internal sealed record EtlSummary(string Name, string Stage, string Communication, string? AbortReason, long Objects, long Errors);

internal sealed record EtlSummaryList(IReadOnlyList<EtlSummary> Etls);

/// <summary><c>GET /v1/etl/NAME</c>: the spec as the cluster holds it (kept as JSON, it is what <c>etl view</c> prints) and every silo's report.</summary>
internal sealed record EtlDetails(string Name, string Stage, string? AbortReason, JsonElement Spec, IReadOnlyList<EtlNodeReport> Nodes);

internal sealed record EtlNodeReport(string Node, string Stage, string? Error, string Runtime, string? Endpoint, int Restarts,
    long Objects, long BytesIn, long BytesOut, long Errors, string? LastTransformError = null);

internal sealed record EtlDetailsList(IReadOnlyList<EtlDetails> Etls);

internal sealed record EtlLogs(string Name, IReadOnlyDictionary<string, string> Logs);

internal sealed record EtlMetrics(string Name, IReadOnlyList<EtlNodeMetrics> Nodes);

internal sealed record EtlNodeMetrics(string Node, string Stage, long Objects, long BytesIn, long BytesOut, long Errors, int Restarts);

internal sealed record EtlCopyResult(string From, string To, string Etl, long Bytes, string Node);

/// <summary>The body of <c>POST /v1/jobs/etl</c>; null fields take the server's defaults.</summary>
internal sealed record JobStartRequest(
    string Etl,
    string FromBucket,
    string? ToBucket,
    string? Prefix,
    IReadOnlyList<string>? Names,
    string? Template,
    IReadOnlyDictionary<string, string>? Ext,
    string? Prepend,
    int? NumWorkers,
    string Mode,
    bool ContinueOnError,
    bool CreateDestination,
    bool Incremental,
    string? EtlArgs);

internal sealed record JobSummary(string Id, string State, string Etl, string Mode, string FromBucket, string? ToBucket,
    long Objects, long Errors, DateTimeOffset Started, DateTimeOffset? Finished);

internal sealed record JobSummaryList(IReadOnlyList<JobSummary> Jobs);

internal sealed record JobDetails(string Id, string State, string? Reason, DateTimeOffset Started, DateTimeOffset? Finished,
    JobRequestView Request, long Objects, long BytesIn, long BytesOut, long Skipped, long Errors, IReadOnlyList<JobNodeReport> Nodes);

internal sealed record JobRequestView(string Etl, string FromBucket, string? ToBucket, string Prefix, IReadOnlyList<string>? Names,
    string? Template, IReadOnlyDictionary<string, string> Ext, string Prepend, int NumWorkers, string Mode, bool ContinueOnError,
    bool Incremental, string? EtlArgs);

internal sealed record JobNodeReport(string Node, string State, long Objects, long BytesIn, long BytesOut, long Skipped, long ErrorCount,
    IReadOnlyList<JobObjectFailure> Errors, double ElapsedSeconds, string? Message);

internal sealed record JobObjectFailure(string Name, string Message);
