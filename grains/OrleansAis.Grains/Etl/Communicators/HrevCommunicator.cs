namespace OrleansAis.Etl.Communicators;

/// <summary>
/// hrev://: reverse proxy. The silo forwards the GET to the transformer, which fetches the raw object from the silo
/// (AIS_TARGET_URL), and the silo streams the answer back to its caller.
/// </summary>
public sealed class HrevCommunicator(CommunicatorContext context) : TransformerGetCommunicator(context)
{
    public override EtlCommunication Kind => EtlCommunication.Hrev;
}
