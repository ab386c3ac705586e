using OrleansAis.Benchmarks.Targets;

namespace OrleansAis.Benchmarks.Harness;

/// <summary>
/// The objects one put/get measurement works on: <see cref="Count"/> names of <see cref="Size"/> bytes each. Every
/// worker owns a disjoint share of the names and its puts overwrite them in turn (the data set stays the same size
/// however long the run, and no two workers write one name); gets read random names from the whole set.
/// </summary>
public sealed class ObjectSet
{
    private readonly string _prefix;
    private readonly byte[] _content;

    public ObjectSet(string prefix, int count, int size)
    {
        _prefix = prefix;
        Count = count;
        Size = size;
        _content = new byte[size];
        new Random(size).NextBytes(_content); // incompressible, and the same bytes in every run
    }

    public int Count { get; }
    public int Size { get; }

    public string Name(int index) => $"{_prefix}-{index:D4}";

    /// <summary>Writes every object once, unmeasured, so that gets find them all.</summary>
    public Task SeedAsync(IObjectTarget target, int workers, CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            foreach (var index in Owned(w, workers)) await target.PutAsync(Name(index), _content, ct);
        }));

    public Operation Puts(IObjectTarget target, int workers)
    {
        if (workers > Count) throw new ArgumentOutOfRangeException(nameof(workers), $"{workers} workers cannot share {Count} objects");
        var owned = Enumerable.Range(0, workers).Select(w => Owned(w, workers).ToArray()).ToArray();
        var next = new int[workers];
        return async (worker, ct) =>
        {
            var mine = owned[worker];
            await target.PutAsync(Name(mine[next[worker]++ % mine.Length]), _content, ct);
            return Size;
        };
    }

    /// <summary>Reads random objects whole; each answer must have <paramref name="answerBytes"/> bytes (default: the object's size).</summary>
    public Operation Gets(IObjectTarget target, long? answerBytes = null) => async (_, ct) =>
    {
        var name = Name(Random.Shared.Next(Count));
        var read = await target.GetAsync(name, ct);
        var expected = answerBytes ?? Size;
        return read == expected ? read : throw new InvalidDataException($"{target.Label}: read {read} bytes of '{name}', expected {expected}");
    };

    private IEnumerable<int> Owned(int worker, int workers) => Enumerable.Range(0, Count).Where(i => i % workers == worker);
}
