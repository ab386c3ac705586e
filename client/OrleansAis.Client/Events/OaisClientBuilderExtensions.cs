using OrleansAis.Events;

namespace OrleansAis.Client.Events;

public static class OaisClientBuilderExtensions
{
    /// <summary>Lets this Orleans client follow the cluster's events (the stream provider the silos publish on).</summary>
    public static IClientBuilder AddOaisEvents(this IClientBuilder client) => client.AddMemoryStreams(OaisStreams.Provider);
}
