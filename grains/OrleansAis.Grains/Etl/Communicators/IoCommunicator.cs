using OrleansAis.Etl.Protocol;

namespace OrleansAis.Etl.Communicators;

/// <summary>
/// io://: no server. Per object the silo runs the spec's command (a child process, or a Docker exec in the ETL's
/// container), writes the object to its stdin and takes its stdout as the result, passed on only once the command
/// has exited 0 (<see cref="SpooledOutput"/>).
/// </summary>
public sealed class IoCommunicator(CommunicatorContext context) : IEtlCommunicator
{
    public EtlCommunication Kind => EtlCommunication.Io;

    public async Task<TransformOutcome> TransformAsync(TransformJob job, Stream output, CancellationToken ct)
    {
        if (job.DirectPutUrl is not null)
            throw new OaisException(OaisErrorCode.InvalidArgument, $"ETL '{context.Spec.Name}' uses io://, which cannot put results directly");
        var env = new Dictionary<string, string> { ["OBJECT_PATH"] = job.Bucket + "/" + job.Name };
        if (job.EtlArgs is not null) env["ETL_ARGS"] = job.EtlArgs;
        await using var spool = new SpooledOutput();
        await using (var content = job.OpenInput())
            await context.Instance.RunOnceAsync(content, spool, env, ct);
        await spool.ReplayAsync(output, ct);
        return new TransformOutcome(spool.Written, DirectPut: false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
