using OrleansAis.Jobs;

namespace OrleansAis.Silo.Http.Jobs;

public static class JobJson
{
    public static object Summary(EtlJobStatus s) => new
    {
        id = s.Id, state = s.State, etl = s.Request.Etl, mode = s.Request.Mode, from_bucket = s.Request.SourceBucket,
        to_bucket = s.Request.DestinationBucket, objects = s.Objects, errors = s.ErrorCount, started = s.Started, finished = s.Finished,
    };

    public static object Details(EtlJobStatus s) => new
    {
        id = s.Id, state = s.State, reason = s.Reason, started = s.Started, finished = s.Finished,
        request = new
        {
            etl = s.Request.Etl, from_bucket = s.Request.SourceBucket, to_bucket = s.Request.DestinationBucket, prefix = s.Request.Prefix,
            names = s.Request.Names, template = s.Request.Template, ext = s.Request.ExtensionMap, prepend = s.Request.Prepend,
            num_workers = s.Request.NumWorkers, mode = s.Request.Mode, continue_on_error = s.Request.ContinueOnError,
            incremental = s.Request.Incremental, etl_args = s.Request.EtlArgs,
        },
        objects = s.Objects, bytes_in = s.BytesIn, bytes_out = s.BytesOut, skipped = s.Skipped, errors = s.ErrorCount,
        nodes = s.Nodes.Select(n => new
        {
            node = n.NodeId, state = n.State, objects = n.Objects, bytes_in = n.BytesIn, bytes_out = n.BytesOut, skipped = n.Skipped,
            error_count = n.ErrorCount, errors = n.Errors.Select(e => new { name = e.Name, message = e.Message }),
            elapsed_seconds = n.Elapsed.TotalSeconds, message = n.Message,
        }),
    };
}
