using Microsoft.Extensions.Options;

namespace OrleansAis.Status;

/// <summary>The outcome of asking one node for a status: its answer, or why there is none.</summary>
public readonly record struct NodeAnswer<T>(T? Value, string? Unreachable)
{
    public bool Answered => Unreachable is null;
}

/// <summary>
/// Status calls to one node, bounded by <see cref="StatusOptions.NodeTimeout"/>. Between a crash and its detection
/// a grain call to the dead silo is rejected (OrleansMessageRejectionException, SiloUnavailableException) or hangs
/// until Orleans' response timeout; a status page reports that node as unreachable instead of failing.
/// </summary>
public sealed class NodeCalls(IOptions<StatusOptions> options)
{
    public TimeSpan Timeout => options.Value.NodeTimeout;

    /// <summary>
    /// The node's answer, or the reason it gave none. <see cref="OaisException"/>s are answers about the request (not
    /// found, bad argument) and pass through, except Unavailable: placement refusing a node that just left this
    /// silo's cluster map while the caller's list still had it.
    /// </summary>
    public Task<NodeAnswer<T>> Ask<T>(string nodeId, Func<Task<T>> call) => Call($"node {nodeId}", call);

    /// <summary>As <see cref="Ask{T}"/>, for a call to <paramref name="who"/> (a node, or a cluster-wide grain such as the ETL registry).</summary>
    public async Task<NodeAnswer<T>> Call<T>(string who, Func<Task<T>> call)
    {
        try
        {
            return new NodeAnswer<T>(await call().WaitAsync(Timeout), null);
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.Unavailable)
        {
            return new NodeAnswer<T>(default, $"{who} is not reachable: {e.Message}");
        }
        catch (OaisException)
        {
            throw;
        }
        catch (TimeoutException)
        {
            return new NodeAnswer<T>(default, $"{who} did not answer within {Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e)
        {
            return new NodeAnswer<T>(default, $"{who} is not reachable: {e.GetBaseException().Message}");
        }
    }
}
