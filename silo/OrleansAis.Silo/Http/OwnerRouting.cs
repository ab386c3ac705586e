using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OrleansAis.Cluster;
using OrleansAis.Http.Contracts;

namespace OrleansAis.Silo.Http;

/// <summary>
/// Gets a request for an object to the silo that owns it: serve locally, redirect (307) or proxy. Proxying streams
/// both bodies and keeps the original Host header, so S3 signatures still verify on the owner.
/// </summary>
public sealed class OwnerRouting(ClusterMap cluster, IHttpClientFactory httpClients, IOptions<ProxyOptions> options, ILogger<OwnerRouting> log)
{
    public const string HttpClientName = "oais-owner-proxy";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Authorization", "Proxy-Authenticate",
    };

    public NodeInfo Local => cluster.Local;

    /// <summary>The owner of the object, or null when this silo should serve the request itself.</summary>
    public NodeInfo? RemoteOwner(HttpContext context, string bucket, string name)
    {
        if (context.Request.Headers.ContainsKey(OaisHeaders.Forwarded)) return null;
        var view = cluster.Current;
        var owner = view.OwnerOf(bucket, name);
        return view.IsLocal(owner) || string.IsNullOrEmpty(owner.HttpUrl) ? null : owner;
    }

    /// <summary>
    /// The owner to send a read to, or null when this silo serves it: also while this node announces that it is about to
    /// own the object (<see cref="ClusterMap.ServesWhileAnnouncing"/>).
    /// </summary>
    public NodeInfo? RemoteOwnerForRead(HttpContext context, string bucket, string name) =>
        RemoteOwner(context, bucket, name) is { } owner && !cluster.ServesWhileAnnouncing(bucket, name) ? owner : null;

    /// <summary>Proxies the request to the object's owner when that is another node; false when this node serves it.</summary>
    public async ValueTask<bool> ProxiedToOwnerAsync(HttpContext context, string bucket, string name)
    {
        if (RemoteOwner(context, bucket, name) is not { } owner) return false;
        await ProxyAsync(context, owner);
        return true;
    }

    /// <summary>
    /// The same request target on another node, byte for byte: the raw target, because re-encoding the decoded path
    /// would change names such as <c>a%252Fb</c> (Kestrel decodes <c>%25</c> but keeps <c>%2F</c>).
    /// </summary>
    public string UrlAt(NodeInfo node, HttpRequest request) =>
        node.HttpUrl.TrimEnd('/') + (request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.PathBase + request.Path + request.QueryString);

    public IResult Redirect(NodeInfo owner, HttpRequest request) => Results.Redirect(UrlAt(owner, request), permanent: false, preserveMethod: true);

    /// <summary>Forwards the request to <paramref name="owner"/> and streams its answer back.</summary>
    public async Task ProxyAsync(HttpContext context, NodeInfo owner)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), UrlAt(owner, request));
        // "Content-Length: 0" is forwarded too: S3 clients sign it, so dropping it breaks their signature on the owner.
        var hasBody = request.ContentLength is not null || request.Headers.TransferEncoding.Count > 0;
        var content = hasBody ? new SentSignal(request.Body) : null;
        if (content is not null) message.Content = new StreamContent(content);
        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            // HTTP headers are ASCII; a raw non-ASCII value (which the owner would refuse too) cannot be forwarded as sent.
            if (values.Any(v => v is not null && v.Any(c => c > '\u007e')))
                throw new OaisException(OaisErrorCode.InvalidArgument, MetadataText.Decode(name, values.ToString()).Problem
                    ?? $"{name}: the value has non-ASCII characters; HTTP headers carry ASCII only");
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        message.Headers.Host = request.Host.Value;
        message.Headers.TryAddWithoutValidation(OaisHeaders.Forwarded, Local.NodeId);

        var client = httpClients.CreateClient(HttpClientName);
        HttpResponseMessage response;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        // The answer is due ResponseTimeout after the body went out (at once for a request without one).
        var timeout = options.Value.ResponseTimeout;
        if (content is null || request.ContentLength == 0) bounded.CancelAfter(timeout);
        else _ = content.Sent.ContinueWith(_ => bounded.CancelAfter(timeout), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, bounded.Token);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            // The client may still be sending a body the owner will never read: close after this answer, so it is not reused.
            if (content is not null && !content.Sent.IsCompleted) context.Response.Headers.Connection = "close";
            // The owner crashed or is unreachable and membership has not yet handed its objects to another silo:
            // nothing was stored, and a retry may succeed, so this is 503 rather than an internal error.
            log.LogWarning("Owner {Owner} did not answer {Method} {Path}: {Error}", owner.NodeId, request.Method, request.Path, e.Message);
            throw new OaisException(OaisErrorCode.Unavailable, $"node {owner.NodeId}, which owns this object, did not answer; retry shortly");
        }
        using var answered = response;
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (HopByHop.Contains(name)) continue;
            context.Response.Headers[name] = values.ToArray();
        }
        log.LogDebug("Proxied {Method} {Path} to {Owner}: {Status}", request.Method, request.Path, owner.NodeId, (int)response.StatusCode);
        if (request.Method == HttpMethods.Head) return;
        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        await body.CopyToAsync(context.Response.Body, 1 << 16, context.RequestAborted);
    }
}
