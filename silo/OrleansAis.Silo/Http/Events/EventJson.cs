using OrleansAis.Events;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Silo.Http.Events;

/// <summary>The Orleans stream events as the HTTP contract's documents, with the kind names of <see cref="OaisEventKinds"/>.</summary>
public static class EventJson
{
    public static ObjectEventDto ToDto(ObjectEvent e) => new(KindOf(e.Kind), e.Bucket, e.Name, e.Version, e.Size, e.ETag, e.Checksum, e.Node, e.Time);

    public static EtlEventDto ToDto(EtlEvent e) => new(KindOf(e.Kind), e.Etl, e.Node, e.Stage.ToString(), e.Restarts, e.Reason, e.Time);

    public static JobEventDto ToDto(JobEvent e) => new(KindOf(e.Kind), e.JobId, e.Node, e.State.ToString(), e.Objects, e.BytesIn, e.BytesOut,
        e.Skipped, e.Errors, e.Message, e.Time, e.TotalObjects, e.TotalBytes);


    public static string KindOf(ObjectEventKind kind) => kind switch
    {
        ObjectEventKind.Created => OaisEventKinds.ObjectCreated,
        ObjectEventKind.Overwritten => OaisEventKinds.ObjectOverwritten,
        _ => OaisEventKinds.ObjectDeleted,
    };

    public static string KindOf(EtlEventKind kind) => kind == EtlEventKind.Restarted ? OaisEventKinds.EtlRestarted : OaisEventKinds.EtlStage;

    public static string KindOf(JobEventKind kind) => kind == JobEventKind.State ? OaisEventKinds.JobState : OaisEventKinds.JobProgress;
}
