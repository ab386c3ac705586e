using System.Numerics;

namespace OrleansAis.Benchmarks.Harness;

/// <summary>
/// Latencies in log-linear buckets (32 per power of two, so any percentile is within ~3% of the truth) in fixed memory,
/// however many operations a run records. Not thread-safe: one per worker, merged at the end.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 5;
    private const int SubBuckets = 1 << SubBucketBits;
    private readonly long[] _counts = new long[64 * SubBuckets];

    public long Count { get; private set; }
    public long MaxMicroseconds { get; private set; }

    public void Record(TimeSpan latency)
    {
        var micros = Math.Max(1, latency.Ticks / TimeSpan.TicksPerMicrosecond);
        _counts[BucketOf(micros)]++;
        Count++;
        MaxMicroseconds = Math.Max(MaxMicroseconds, micros);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        MaxMicroseconds = Math.Max(MaxMicroseconds, other.MaxMicroseconds);
    }

    /// <summary>The latency that <paramref name="quantile"/> (0..1) of the operations did not exceed; zero when empty.</summary>
    public TimeSpan Percentile(double quantile)
    {
        if (Count == 0) return TimeSpan.Zero;
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (var bucket = 0; bucket < _counts.Length; bucket++)
        {
            seen += _counts[bucket];
            if (seen >= rank) return TimeSpan.FromMicroseconds(Math.Min(UpperBoundOf(bucket), MaxMicroseconds));
        }
        return TimeSpan.FromMicroseconds(MaxMicroseconds);
    }

    // Values below 32 get a bucket each; above, a power of two splits into 32 equal buckets.
    private static int BucketOf(long micros)
    {
        if (micros < SubBuckets) return (int)micros;
        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)micros);
        var shift = exponent - SubBucketBits;
        return SubBuckets + shift * SubBuckets + (int)(micros >> shift) - SubBuckets;
    }

    private static long UpperBoundOf(int bucket)
    {
        if (bucket < SubBuckets) return bucket;
        var shift = (bucket - SubBuckets) / SubBuckets;
        var sub = (bucket - SubBuckets) % SubBuckets;
        return ((long)(SubBuckets + sub + 1) << shift) - 1;
    }
}
