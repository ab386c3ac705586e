using System.Text;
using OrleansAis.Storage;

namespace OrleansAis.Tests.Storage;

/// <summary>The store's in-memory metadata: never an older version after a commit, whatever the interleaving.</summary>
[Trait("Category", "Fast")]
public sealed class MetaCacheTests : IDisposable
{
    private readonly TestStore _test = new();
    private LocalObjectStore Store => _test.Store;

    public void Dispose() => _test.Dispose();

    private Task<ObjectMeta> Put(string name, string content) =>
        Store.PutAsync("b", name, new MemoryStream(Encoding.UTF8.GetBytes(content)), PutOptions.Default);

    [Fact]
    public async Task A_read_after_an_overwrite_sees_the_new_version()
    {
        await Put("a", "one");
        Assert.Equal(1, Store.Head("b", "a")!.Version); // cached now
        var second = await Put("a", "second");
        var seen = Store.Head("b", "a")!;
        Assert.Equal(second.Version, seen.Version);
        Assert.Equal(second.Checksum, seen.Checksum);
    }

    [Fact]
    public async Task A_deleted_object_is_absent_and_a_new_one_of_the_same_name_and_version_is_read_as_itself()
    {
        var first = await Put("a", "first");
        Assert.NotNull(Store.Head("b", "a"));
        Assert.True(await Store.DeleteAsync("b", "a"));
        Assert.Null(Store.Head("b", "a"));

        var again = await Put("a", "different bytes"); // the version counter starts over after a delete
        Assert.Equal(first.Version, again.Version);
        using var reader = Store.OpenRead("b", "a")!;
        Assert.Equal(again.Checksum, reader.Meta.Checksum);
        Assert.Equal(again.Size, reader.Meta.Size);
    }

    [Fact]
    public async Task A_dropped_bucket_reads_as_empty()
    {
        await Put("a", "x");
        Assert.NotNull(Store.Head("b", "a"));
        Store.DropBucket("b");
        Assert.Null(Store.Head("b", "a"));
    }

    [Fact]
    public async Task Readers_racing_with_overwrites_never_see_a_version_older_than_the_last_acknowledged_one()
    {
        const int writes = 300;
        await Put("hot", "v");
        long acknowledged = 1;
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var violations = 0;
            while (!stop.IsCancellationRequested)
            {
                var floor = Interlocked.Read(ref acknowledged);
                using var reader = Store.OpenRead("b", "hot");
                if (reader is null || reader.Meta.Version < floor) violations++;
            }
            return violations;
        })).ToList();
        for (var i = 0; i < writes; i++)
        {
            var meta = await Put("hot", "v" + i);
            Interlocked.Exchange(ref acknowledged, meta.Version);
        }
        stop.Cancel();
        Assert.Equal(0, (await Task.WhenAll(readers)).Sum());
        Assert.Equal(writes + 1, Store.Head("b", "hot")!.Version);
    }

    [Fact]
    public void A_cache_at_its_capacity_starts_over_and_still_reads_each_object_as_it_is()
    {
        var folder = Directory.CreateTempSubdirectory("oais-metacache-").FullName;
        try
        {
            var cache = new MetaCache(capacity: 2);
            var paths = Enumerable.Range(0, 5).Select(i => Path.Combine(folder, "m" + i)).ToList();
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < paths.Count; i++)
                {
                    var stored = new ObjectFile.StoredMeta { Name = "o" + i, Size = i, Checksum = "c", Version = round + 1 };
                    File.WriteAllBytes(paths[i], ObjectFile.Serialize(stored));
                    cache.Changed(paths[i]);
                }
                for (var i = 0; i < paths.Count; i++) Assert.Equal(round + 1, cache.Read(paths[i])!.Version);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
