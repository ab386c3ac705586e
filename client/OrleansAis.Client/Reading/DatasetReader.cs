using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace OrleansAis.Client;

/// <summary>
/// Many objects read in parallel, each from its owner, with bounded memory: the .NET side of what AIStore's dataset
/// loaders give Python. Unordered, objects come as their reads complete (at most twice the parallelism held);
/// ordered, in the order of the names, with a bounded look-ahead.
/// </summary>
internal static class DatasetReader
{
    /// <summary>A read that fails in a way a retry can fix (a node went away mid-body, an object moving) is tried again.</summary>
    private const int Attempts = 4;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    private const int UnknownLengthStart = 64 << 10;

    public static IAsyncEnumerable<ObjectRead> ReadAsync(IAsyncEnumerable<string> names, Func<string, CancellationToken, Task<ObjectReadStream>> open,
        ReadManyOptions options, CancellationToken ct) =>
        options.Ordered ? OrderedAsync(names, open, options, ct) : UnorderedAsync(names, open, options, ct);

    private static async IAsyncEnumerable<ObjectRead> UnorderedAsync(IAsyncEnumerable<string> names, Func<string, CancellationToken, Task<ObjectReadStream>> open, ReadManyOptions options,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ready = Channel.CreateBounded<ObjectRead>(new BoundedChannelOptions(options.Parallelism) { SingleReader = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = stop.Token },
                    async (name, token) =>
                    {
                        var read = await ReadOneAsync(name, open, token);
                        try
                        {
                            await ready.Writer.WriteAsync(read, token);
                        }
                        catch
                        {
                            read.Dispose();
                            throw;
                        }
                    });
                ready.Writer.Complete();
            }
            catch (Exception e)
            {
                ready.Writer.Complete(e);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var read in ready.Reader.ReadAllAsync(ct)) yield return read;
        }
        finally
        {
            await stop.CancelAsync();
            await producer;
            while (ready.Reader.TryRead(out var left)) left.Dispose();
        }
    }

    private static async IAsyncEnumerable<ObjectRead> OrderedAsync(IAsyncEnumerable<string> names, Func<string, CancellationToken, Task<ObjectReadStream>> open, ReadManyOptions options,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var slots = new SemaphoreSlim(options.Parallelism);
        var window = new Queue<Task<ObjectRead>>();
        try
        {
            await foreach (var name in names.WithCancellation(ct))
            {
                window.Enqueue(ReadLimitedAsync(name, open, slots, stop.Token));
                if (window.Count >= options.EffectiveLookAhead) yield return await window.Dequeue();
            }
            while (window.Count > 0) yield return await window.Dequeue();
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var pending in window)
            {
                try
                {
                    (await pending).Dispose();
                }
                catch (Exception)
                {
                    // Abandoned with the enumeration: its failure (often the cancellation itself) concerns no one.
                }
            }
        }
    }

    private static async Task<ObjectRead> ReadLimitedAsync(string name, Func<string, CancellationToken, Task<ObjectReadStream>> open, SemaphoreSlim slots,
        CancellationToken ct)
    {
        await slots.WaitAsync(ct);
        try
        {
            return await ReadOneAsync(name, open, ct);
        }
        finally
        {
            slots.Release();
        }
    }

    private static async Task<ObjectRead> ReadOneAsync(string name, Func<string, CancellationToken, Task<ObjectReadStream>> open, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var stream = await open(name, ct);
                return await BufferAsync(name, stream, ct);
            }
            catch (Exception e) when (attempt < Attempts && !ct.IsCancellationRequested && IsRetryable(e))
            {
                await Task.Delay(RetryDelay * attempt, ct);
            }
        }
    }

    private static bool IsRetryable(Exception e) =>
        e is IOException or HttpRequestException || e is OaisException { Code: OaisErrorCode.Unavailable or OaisErrorCode.Conflict };

    /// <summary>The whole body into one pooled buffer, of the right size when the length is known up front (stored objects).</summary>
    private static async Task<ObjectRead> BufferAsync(string name, ObjectReadStream stream, CancellationToken ct)
    {
        if (stream.ContentLength is { } known && known <= Array.MaxLength)
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(known, 1));
            try
            {
                var filled = 0;
                while (filled < known)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(filled, (int)known - filled), ct);
                    if (n == 0) throw new IOException($"'{name}' ended after {filled} of {known} bytes");
                    filled += n;
                }
                return new ObjectRead(name, stream.Meta, buffer, filled);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
        }
        // An ETL's output of unknown length: a pooled buffer, doubled (through the pool) whenever it fills up.
        var grown = ArrayPool<byte>.Shared.Rent(UnknownLengthStart);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == grown.Length)
                {
                    if (grown.Length >= Array.MaxLength / 2) throw new IOException($"'{name}' is too large to hold in one buffer; read it with OpenReadAsync");
                    var bigger = ArrayPool<byte>.Shared.Rent(grown.Length * 2);
                    grown.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(grown);
                    grown = bigger;
                }
                var n = await stream.ReadAsync(grown.AsMemory(length), ct);
                if (n == 0) return new ObjectRead(name, stream.Meta, grown, length);
                length += n;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(grown);
            throw;
        }
    }
}
