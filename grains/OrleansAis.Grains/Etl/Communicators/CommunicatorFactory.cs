namespace OrleansAis.Etl.Communicators;

public static class CommunicatorFactory
{
    public static IEtlCommunicator Create(CommunicatorContext context) => context.Spec.Communication switch
    {
        EtlCommunication.Hpush => new HpushCommunicator(context),
        EtlCommunication.Hpull => new HpullCommunicator(context),
        EtlCommunication.Hrev => new HrevCommunicator(context),
        EtlCommunication.Io => new IoCommunicator(context),
        EtlCommunication.Ws => new WsCommunicator(context, maxConnections: Math.Max(4, Environment.ProcessorCount * 4)),
        _ => throw new ArgumentOutOfRangeException(nameof(context), context.Spec.Communication, "unknown communication"),
    };
}
