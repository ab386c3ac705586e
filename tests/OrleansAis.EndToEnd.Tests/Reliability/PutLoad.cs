using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>One PUT a writer tried: its content is <see cref="PatternStream"/>(Size, Seed), so it can be re-derived to compare.</summary>
public sealed record PutAttempt(string Name, ulong Seed, long Size, Uri Silo, TimeSpan StartedAt)
{
    /// <summary>True when the silo answered 2xx: from then on the object must survive.</summary>
    public bool Acknowledged { get; set; }

    /// <summary>The node the acknowledgement named as the object's owner.</summary>
    public string? StoredOn { get; set; }

    /// <summary>Why the PUT was not acknowledged: an HTTP status or the exception's type.</summary>
    public string? Failure { get; set; }

    /// <summary>The start of the error body, to tell a retryable refusal from a server fault.</summary>
    public string? FailureDetail { get; set; }
}

/// <summary>
/// Several writers PUT objects with seeded content (random names, 0..2 MiB) round-robin to every silo until stopped,
/// recording every attempt and whether it was acknowledged. A writer finishes its request in flight before it stops,
/// so every attempt ends acknowledged or failed, never unknown. Bounded by <see cref="MaxAttempts"/>.
/// </summary>
public sealed class PutLoad(HttpClient http, string bucket, IReadOnlyList<Uri> silos, int seed)
{
    public const int MaxAttempts = 20_000;
    public const long MaxSize = 2L << 20;

    private readonly ConcurrentQueue<PutAttempt> _attempts = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private int _count;
    private Task[] _writers = [];

    public IReadOnlyCollection<PutAttempt> Attempts => _attempts;
    public TimeSpan Elapsed => _clock.Elapsed;
    public int AcknowledgedCount => _attempts.Count(a => a.Acknowledged);

    public void Start(int writers) =>
        _writers = Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w, new Random(seed * 1000 + w)))).ToArray();

    /// <summary>Stops the writers after their requests in flight and waits for them.</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_writers);
    }

    private async Task WriteAsync(int writer, Random random)
    {
        for (var n = 0; !_stop.IsCancellationRequested && Interlocked.Increment(ref _count) <= MaxAttempts; n++)
        {
            var attempt = new PutAttempt(
                $"w{writer}/{n:D5}-{random.Next():x8}", (ulong)random.NextInt64(), NextSize(random), silos[(writer + n) % silos.Count], _clock.Elapsed);
            _attempts.Enqueue(attempt);
            await PutAsync(attempt);
        }
    }

    /// <summary>Mostly small and medium objects, some up to 2 MiB, a few empty ones.</summary>
    private static long NextSize(Random random) => random.Next(10) switch
    {
        0 => 0,
        < 6 => random.Next(0, 16 << 10),
        < 9 => random.Next(0, 256 << 10),
        _ => random.NextInt64(0, MaxSize + 1),
    };

    private async Task PutAsync(PutAttempt attempt)
    {
        try
        {
            using var content = new StreamContent(new PatternStream(attempt.Size, attempt.Seed), 64 << 10);
            content.Headers.ContentLength = attempt.Size;
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            // Not cancelled by Stop: an attempt must end with a definite answer.
            using var response = await http.PutAsync(new Uri(attempt.Silo, $"/v1/objects/{bucket}/{attempt.Name}"), content);
            if (!response.IsSuccessStatusCode)
            {
                attempt.Failure = $"HTTP {(int)response.StatusCode}";
                var body = await response.Content.ReadAsStringAsync();
                attempt.FailureDetail = body.Length > 300 ? body[..300] : body;
                return;
            }
            using var meta = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var size = meta.RootElement.GetProperty("size").GetInt64();
            if (size != attempt.Size) throw new InvalidOperationException($"{attempt.Name}: acknowledged size {size}, sent {attempt.Size}");
            attempt.StoredOn = meta.RootElement.GetProperty("node").GetString();
            attempt.Acknowledged = true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            attempt.Failure = e.GetType().Name;
        }
    }
}
