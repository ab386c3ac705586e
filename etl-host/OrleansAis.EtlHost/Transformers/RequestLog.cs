using OrleansAis.Etl.Protocol;
using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>
/// Any built-in transformer, counting what it transformed: with <see cref="Variable"/> naming a folder (in the ETL
/// spec's env), each object it transformed completely adds the line <c>NODE BUCKET/OBJECT</c> to this process's file
/// there, <c>NODE-PID.log</c>. The files outlive the processes, so how often each object was transformed can be counted
/// across crashes and restarts (the resumed-job tests do). One file per process: appends from several processes to one
/// file could overwrite each other (.NET's append mode writes at an offset, not with O_APPEND).
/// </summary>
public sealed class RequestLog(ITransformer inner, FileStream file) : ITransformer
{
    public const string Variable = "OAIS_REQUEST_LOG";

    private static readonly string Node = Environment.GetEnvironmentVariable(TransformerEnvironment.NodeId) ?? "-";

    private readonly SemaphoreSlim _write = new(1, 1);

    /// <summary>The transformer, counted when <see cref="Variable"/> names a folder.</summary>
    public static ITransformer Wrap(ITransformer transformer)
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } folder) return transformer;
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{Node}-{Environment.ProcessId}.log");
        return new RequestLog(transformer, new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1));
    }

    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        await inner.TransformAsync(request, output, ct);
        var line = System.Text.Encoding.UTF8.GetBytes($"{Node} {request.Bucket}/{request.ObjectName}\n");
        await _write.WaitAsync(CancellationToken.None);
        try
        {
            await file.WriteAsync(line, CancellationToken.None); // unbuffered: in the file once written, whatever kills the process next
        }
        finally
        {
            _write.Release();
        }
    }
}
