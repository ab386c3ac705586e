using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansAis.Ownership;

/// <summary>
/// Rendezvous (highest random weight) hashing: the one ownership function of the cluster.
/// A key belongs to the candidate with the highest weight(key, candidate id). Adding a candidate
/// moves only the keys it now wins (~1/N); removing one moves only the keys it owned.
/// Used for object -> silo (over stable node ids) and object -> mountpath (over mountpath ids).
/// </summary>
public static class Rendezvous
{
    public static ulong HashId(string id) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(id.AsSpan()));

    public static ulong HashKey(string key) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key));

    /// <summary>The weight of a (key, candidate) pair from their independent hashes.</summary>
    public static ulong Weight(ulong keyHash, ulong idHash) => Mix(keyHash ^ Mix(idHash + 0x9E3779B97F4A7C15UL));

    /// <summary>The owner of <paramref name="key"/> among <paramref name="candidates"/> (ties broken by ordinal id).</summary>
    public static T Owner<T>(string key, IReadOnlyList<T> candidates, Func<T, string> id)
    {
        if (candidates.Count == 0) throw new InvalidOperationException("no candidates to own key '" + key + "'");
        var keyHash = HashKey(key);
        var best = candidates[0];
        var bestWeight = Weight(keyHash, HashId(id(best)));
        for (var i = 1; i < candidates.Count; i++)
        {
            var c = candidates[i];
            var w = Weight(keyHash, HashId(id(c)));
            if (w > bestWeight || (w == bestWeight && string.CompareOrdinal(id(c), id(best)) > 0))
            {
                best = c;
                bestWeight = w;
            }
        }
        return best;
    }

    /// <summary>All candidates, best owner first: where to look when the owner misses (e.g. during a rebalance).</summary>
    public static IReadOnlyList<T> Ranked<T>(string key, IEnumerable<T> candidates, Func<T, string> id)
    {
        var keyHash = HashKey(key);
        return candidates
            .Select(c => (c, w: Weight(keyHash, HashId(id(c)))))
            .OrderByDescending(x => x.w)
            .ThenByDescending(x => id(x.c), StringComparer.Ordinal)
            .Select(x => x.c)
            .ToList();
    }

    // splitmix64 finaliser: spreads xor-combined hashes over all 64 bits.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
