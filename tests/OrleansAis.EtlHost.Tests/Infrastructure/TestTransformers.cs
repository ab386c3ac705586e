namespace OrleansAis.EtlHost.Tests.Infrastructure;

/// <summary>Answers "bucket|object|etl_args|fqn": shows exactly what reached the transformer.</summary>
public sealed class RequestEchoTransformer : ITransformer
{
    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        await request.Input.CopyToAsync(Stream.Null, ct);
        await output.WriteAsync(Encoding.UTF8.GetBytes($"{request.Bucket}|{request.ObjectName}|{request.EtlArgs}|{request.Fqn}"), ct);
    }
}

/// <summary>Holds each object a while and records how many ran at once.</summary>
public sealed class SlowTransformer(TimeSpan hold) : ITransformer
{
    private int _running;
    private int _maxRunning;

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        var now = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, now);
        try
        {
            await Task.Delay(hold, ct);
            await request.Input.CopyToAsync(output, ct);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}

/// <summary>Writes (and flushes) part of a result, then fails: the failure comes after the response has started.</summary>
public sealed class FailMidwayTransformer : ITransformer
{
    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        await output.WriteAsync(new byte[100_000], ct);
        await output.FlushAsync(ct);
        throw new InvalidOperationException("broke halfway");
    }
}
