using System.IO.Hashing;
using System.Text;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// The run's object names (<c>{prefix}{index}</c>, index 0..count-1) and each one's size: fixed, or drawn between min
/// and max from a hash of seed and name, so the same seed gives every name the same size in every run.
/// </summary>
internal sealed class ObjectSet(string prefix, int count, long minSize, long maxSize, long seed)
{
    public string Prefix { get; } = prefix;
    public int Count { get; } = count;
    public long Seed { get; } = seed;

    public string NameOf(int index) => Prefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The index of a listed name that belongs to the set, else -1.</summary>
    public int IndexOf(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal)) return -1;
        var digits = name.AsSpan(Prefix.Length);
        // Only the canonical spelling: "007" is another object than "7".
        if (digits.Length == 0 || (digits.Length > 1 && digits[0] == '0')) return -1;
        foreach (var c in digits) if (c is < '0' or > '9') return -1;
        return int.TryParse(digits, out var index) && index < Count ? index : -1;
    }

    public long SizeOf(int index)
    {
        if (minSize == maxSize) return minSize;
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(NameOf(index)), Seed ^ 0x5153_495A_4553L); // "SIZES"
        return minSize + (long)(hash % (ulong)(maxSize - minSize + 1));
    }

    /// <summary>The 64-bit state the content generator of this object starts from.</summary>
    public ulong ContentSeed(int index) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(NameOf(index)), Seed);
}
