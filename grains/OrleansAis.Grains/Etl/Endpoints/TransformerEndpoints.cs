using System.Security.Cryptography;
using System.Text;
using OrleansAis.Cluster;
using OrleansAis.Etl.Runtimes;
using OrleansAis.Http.Contracts;
using OrleansAis.Storage;

namespace OrleansAis.Etl.Endpoints;

/// <summary>
/// The endpoint authority of this node's transformers: what a transformer is handed (AIS_TARGET_URL with the ETL's
/// secret, its socket, the silo's socket, its port file), the secret check of the guarded raw-object / direct-put
/// endpoint, and the URLs at which the silo and HTTP clients reach a transformer.
/// </summary>
public sealed class TransformerEndpoints(NodeEtls etls, ClusterMap cluster, LocalSocketDirectory sockets, LocalObjectStore store)
{
    /// <summary>True when <paramref name="secret"/> is the ETL's secret (known to this node while it runs the ETL).</summary>
    public bool IsTransformerSecret(string name, string secret) =>
        etls.TryGet(name, out var etl) &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(etl.Secret), Encoding.ASCII.GetBytes(secret));

    /// <summary>Where the ETL's transformer may PUT a result for <c>bucket/name</c> on <paramref name="owner"/> (direct put).</summary>
    public string? DirectPutUrl(string etlName, NodeInfo owner, string bucket, string objectName) =>
        etls.TryGet(etlName, out var etl)
            ? TargetUrl(etlName, etl.Secret, owner) + "/" + OaisRoutes.ObjectTarget(bucket, objectName)
            : null;

    /// <summary>
    /// What this node hands the transformer of <paramref name="etl"/>, with <see cref="TransformerLaunch.Port"/> 0 (the
    /// launcher decides it). Its socket and port file are deleted first, so that only the new transformer can make them exist.
    /// </summary>
    internal TransformerLaunch Offer(RunningEtl etl)
    {
        var listenSocket = sockets.TransformerSocket(etl.Spec.Name);
        if (listenSocket is not null) File.Delete(listenSocket);
        var portFile = sockets.PortFile(etl.Spec.Name);
        File.Delete(portFile);
        return new TransformerLaunch
        {
            Spec = etl.Spec, NodeId = cluster.Local.NodeId, Port = 0,
            TargetUrl = TargetUrl(etl.Spec.Name, etl.Secret, cluster.Local),
            Mountpaths = store.Mountpaths,
            ListenSocket = listenSocket,
            // Only offered while the silo's HTTP server listens on it (not in hosts without HTTP, e.g. test clusters).
            TargetSocket = sockets.SiloSocket is { } silo && File.Exists(silo) ? silo : null,
            SocketDirectory = sockets.Path,
            PortFile = portFile,
        };
    }

    /// <summary>Where the silo reaches a transformer listening on <paramref name="port"/>.</summary>
    internal static Uri Local(int port) => new($"http://127.0.0.1:{port}");

    /// <summary>Where HTTP clients outside this silo reach it (hpull redirects): this node's host.</summary>
    internal Uri Public(int port) => new($"http://{PublicHost()}:{port}");

    /// <summary>The base of a node's guarded raw-object / direct-put endpoint for the ETL (AIS_TARGET_URL on that node).</summary>
    private static string TargetUrl(string name, string secret, NodeInfo node) =>
        $"{node.HttpUrl.TrimEnd('/')}/{OaisRoutes.TransformerObjectBase(name, secret)}";

    private string PublicHost() => Uri.TryCreate(cluster.Local.HttpUrl, UriKind.Absolute, out var url) ? url.Host : "127.0.0.1";
}
