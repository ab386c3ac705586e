namespace OrleansAis.Loader.Stats;

/// <summary>
/// Latencies in microseconds, HdrHistogram-style: exact below 128 µs, then 64 linear buckets per power of two (under
/// 1.6% error) up to 2^40 µs. Fixed memory (2304 counters) however long the run; safe to record from many threads.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits; // 64 per octave
    private const int LinearLimit = SubBuckets * 2; // values below are their own bucket
    private const int MaxExponent = 40;
    private const long MaxValue = (1L << (MaxExponent + 1)) - 1;
    private const int BucketCount = LinearLimit + (MaxExponent - SubBucketBits) * SubBuckets;

    private readonly long[] _buckets = new long[BucketCount];
    private long _count;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max;

    public void Record(TimeSpan elapsed) => Record((long)elapsed.TotalMicroseconds);

    public void Record(long micros)
    {
        var value = Math.Clamp(micros, 0, MaxValue);
        Interlocked.Increment(ref _buckets[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        UpdateMin(value);
        UpdateMax(value);
    }

    /// <summary>A consistent-enough copy for reporting (a record racing the copy may be missing from it).</summary>
    public LatencySummary Summarize()
    {
        var buckets = new long[BucketCount];
        for (var i = 0; i < BucketCount; i++) buckets[i] = Interlocked.Read(ref _buckets[i]);
        var count = buckets.Sum();
        if (count == 0) return LatencySummary.Empty;
        var min = Interlocked.Read(ref _min);
        var max = Interlocked.Read(ref _max);
        return new LatencySummary(
            Count: count,
            MinMicros: min,
            MeanMicros: (double)Interlocked.Read(ref _sum) / Math.Max(1, Interlocked.Read(ref _count)),
            P50Micros: Percentile(buckets, count, 50, min, max),
            P90Micros: Percentile(buckets, count, 90, min, max),
            P99Micros: Percentile(buckets, count, 99, min, max),
            MaxMicros: max);
    }

    internal static int IndexOf(long value)
    {
        if (value < LinearLimit) return (int)value;
        var exponent = 63 - (int)long.LeadingZeroCount(value); // >= 7
        var subBucket = (int)(value >> (exponent - SubBucketBits)); // 64..127: the top 7 bits
        return LinearLimit + (exponent - SubBucketBits - 1) * SubBuckets + (subBucket - SubBuckets);
    }

    /// <summary>The highest value that lands in bucket <paramref name="index"/> (what HdrHistogram reports).</summary>
    internal static long HighestValueIn(int index)
    {
        if (index < LinearLimit) return index;
        var octave = (index - LinearLimit) / SubBuckets;
        var subBucket = (index - LinearLimit) % SubBuckets + SubBuckets;
        var shift = octave + 1;
        return ((long)(subBucket + 1) << shift) - 1;
    }

    private static long Percentile(long[] buckets, long count, double percentile, long min, long max)
    {
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * count));
        long seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen >= rank) return Math.Clamp(HighestValueIn(i), min, max);
        }
        return max;
    }

    private void UpdateMin(long value)
    {
        var current = Interlocked.Read(ref _min);
        while (value < current)
        {
            var previous = Interlocked.CompareExchange(ref _min, value, current);
            if (previous == current) return;
            current = previous;
        }
    }

    private void UpdateMax(long value)
    {
        var current = Interlocked.Read(ref _max);
        while (value > current)
        {
            var previous = Interlocked.CompareExchange(ref _max, value, current);
            if (previous == current) return;
            current = previous;
        }
    }
}

/// <summary>Latency figures of one operation type, in microseconds.</summary>
internal sealed record LatencySummary(long Count, long MinMicros, double MeanMicros, long P50Micros, long P90Micros, long P99Micros, long MaxMicros)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0);
}
