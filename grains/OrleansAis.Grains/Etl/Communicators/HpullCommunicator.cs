namespace OrleansAis.Etl.Communicators;

/// <summary>
/// hpull://: HTTP clients are redirected (307) to the transformer, which GETs the raw object from its silo and answers
/// them directly (<see cref="RedirectUri"/>). Callers that cannot follow a redirect (the Orleans API, offline jobs)
/// get the same GET made by the silo.
/// </summary>
public sealed class HpullCommunicator(CommunicatorContext context) : TransformerGetCommunicator(context)
{
    public override EtlCommunication Kind => EtlCommunication.Hpull;

    /// <summary>Where an HTTP client should fetch the transformed object.</summary>
    public Uri RedirectUri(TransformJob job, Uri publicEndpoint) => TransformerHttp.ObjectUri(publicEndpoint, job, Context.Spec.UsesFqn);
}
