using OrleansAis.Etl.Protocol;
using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>
/// Any built-in transformer, counting what it transformed: with <see cref="Variable"/> set (in the ETL spec's env), each
/// object it transformed completely adds the line <c>NODE BUCKET/OBJECT</c> to that file. The file outlives the
/// process, so how often each object was transformed can be counted across crashes and restarts (the resumed-job tests
/// do). Every transformer of the ETL may share one file: each line goes out in one append.
/// </summary>
public sealed class RequestLog(ITransformer inner, string path) : ITransformer
{
    public const string Variable = "OAIS_REQUEST_LOG";

    private static readonly string Node = Environment.GetEnvironmentVariable(TransformerEnvironment.NodeId) ?? "-";

    /// <summary>The transformer, counted when <see cref="Variable"/> names a file.</summary>
    public static ITransformer Wrap(ITransformer transformer) =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? new RequestLog(transformer, path) : transformer;

    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        await inner.TransformAsync(request, output, ct);
        var line = System.Text.Encoding.UTF8.GetBytes($"{Node} {request.Bucket}/{request.ObjectName}\n");
        await using var log = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
        await log.WriteAsync(line, ct);
    }
}
