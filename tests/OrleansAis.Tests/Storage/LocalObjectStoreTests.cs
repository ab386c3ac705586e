using System.IO.Hashing;
using OrleansAis.Storage;

namespace OrleansAis.Tests.Storage;

[Trait("Category", "Fast")]
public sealed class LocalObjectStoreTests : IDisposable
{
    private readonly TestStore _test = new();
    private LocalObjectStore Store => _test.Store;

    public void Dispose() => _test.Dispose();

    private Task<ObjectMeta> Put(string name, byte[] content, PutOptions? options = null) =>
        Store.PutAsync("b", name, new MemoryStream(content), options ?? PutOptions.Default);

    private static async Task<byte[]> ReadAll(ObjectReader reader, long offset = 0, long? length = null)
    {
        var output = new MemoryStream();
        await using var range = reader.OpenRange(offset, length ?? reader.Meta.Size - offset);
        await range.CopyToAsync(output);
        return output.ToArray();
    }

    [Fact]
    public async Task Put_then_read_returns_the_bytes_and_metadata()
    {
        var content = PatternStream.Bytes(100_000);
        var meta = await Put("dir/a.bin", content, new PutOptions { ContentType = "image/png", Custom = new Dictionary<string, string> { ["k"] = "v" } });

        Assert.Equal(content.Length, meta.Size);
        Assert.Equal(XxHash64.HashToUInt64(content).ToString("x16"), meta.Checksum);
        Assert.Equal(1, meta.Version);
        using var reader = Store.OpenRead("b", "dir/a.bin")!;
        Assert.Equal("image/png", reader.Meta.ContentType);
        Assert.Equal("v", reader.Meta.Custom["k"]);
        Assert.Equal(content, await ReadAll(reader));
        Assert.True(await reader.VerifyAsync());
    }

    [Fact]
    public async Task Byte_ranges_read_exactly_the_requested_window()
    {
        var content = PatternStream.Bytes(10_000);
        await Put("r", content);
        using var reader = Store.OpenRead("b", "r")!;
        Assert.Equal(content[1234..5678], await ReadAll(reader, 1234, 5678 - 1234));
        Assert.Equal(content[9999..], await ReadAll(reader, 9999, 1));
        Assert.Empty(await ReadAll(reader, 10_000, 0));
        Assert.Equal(OaisErrorCode.InvalidRange, Assert.Throws<OaisException>(() => reader.OpenRange(9_000, 2_000)).Code);
    }

    [Fact]
    public async Task Empty_objects_are_stored()
    {
        var meta = await Put("empty", []);
        Assert.Equal(0, meta.Size);
        using var reader = Store.OpenRead("b", "empty")!;
        Assert.Empty(await ReadAll(reader));
    }

    [Fact]
    public async Task Overwrite_bumps_the_version_and_an_open_reader_keeps_the_old_bytes()
    {
        await Put("o", [1, 2, 3]);
        using var old = Store.OpenRead("b", "o")!;
        var second = await Put("o", [4, 5, 6, 7]);

        Assert.Equal(2, second.Version);
        Assert.Equal(new byte[] { 1, 2, 3 }, await ReadAll(old));
        using var current = Store.OpenRead("b", "o")!;
        Assert.Equal(new byte[] { 4, 5, 6, 7 }, await ReadAll(current));
    }

    [Fact]
    public async Task An_aborted_upload_leaves_nothing_visible_and_no_temp_file()
    {
        await using (var writer = Store.BeginWrite("b", "partial", PutOptions.Default))
        {
            await writer.WriteAsync(new byte[1000]);
        } // disposed without commit

        Assert.Null(Store.OpenRead("b", "partial"));
        Assert.Empty(Store.List("b", new ListRequest()).Entries);
        Assert.All(_test.Mountpaths, mp => Assert.Empty(Directory.EnumerateFiles(Path.Combine(mp, LocalObjectStore.TempFolder))));
    }

    [Fact]
    public async Task A_checksum_or_size_mismatch_refuses_the_write_and_keeps_the_previous_version()
    {
        await Put("c", [9, 9]);
        var checksum = await Assert.ThrowsAsync<OaisException>(() => Put("c", [1, 2, 3], new PutOptions { ExpectedChecksum = "0000000000000000" }));
        Assert.Equal(OaisErrorCode.ChecksumMismatch, checksum.Code);
        var size = await Assert.ThrowsAsync<OaisException>(() => Put("c", [1, 2, 3], new PutOptions { ExpectedSize = 5 }));
        Assert.Contains("5", size.Message);

        using var reader = Store.OpenRead("b", "c")!;
        Assert.Equal(new byte[] { 9, 9 }, await ReadAll(reader));
        Assert.Equal(1, reader.Meta.Version);
    }

    [Fact]
    public async Task Leftover_temp_files_of_a_crashed_process_are_removed_on_start()
    {
        var writer = Store.BeginWrite("b", "crash", PutOptions.Default);
        await writer.WriteAsync(new byte[10]);
        // No commit, no dispose: the process "died". A new store instance over the same folders cleans up.
        _test.Reopen();
        Assert.All(_test.Mountpaths, mp => Assert.Empty(Directory.EnumerateFiles(Path.Combine(mp, LocalObjectStore.TempFolder))));
        Assert.Null(_test.Store.OpenRead("b", "crash"));
    }

    [Fact]
    public async Task Objects_spread_over_mountpaths_and_survive_a_reopen()
    {
        for (var i = 0; i < 40; i++) await Put($"f{i:D2}", [(byte)i]);
        // One metadata file per object (its content sits beside it in a versioned data file).
        var perMountpath = _test.Mountpaths.Select(mp => Directory.EnumerateFiles(Path.Combine(mp, "b"), "*", SearchOption.AllDirectories)
            .Count(f => !Path.GetFileName(f).Contains(".v"))).ToList();
        Assert.Equal(40, perMountpath.Sum());
        Assert.All(perMountpath, n => Assert.InRange(n, 8, 32));

        var reopened = _test.Reopen();
        var names = reopened.List("b", new ListRequest()).Entries.Select(e => e.Name).ToList();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"f{i:D2}"), names);
    }

    [Fact]
    public async Task Listing_pages_in_name_order_with_prefix_and_token()
    {
        string[] names = ["a/1", "a/2", "a/3", "a0", "b/1", "a/10"];
        foreach (var n in names) await Put(n, [1]);

        var first = Store.List("b", new ListRequest { Prefix = "a/", PageSize = 2 });
        Assert.Equal(["a/1", "a/10"], first.Entries.Select(e => e.Name));
        Assert.Equal("a/10", first.ContinuationToken);
        var second = Store.List("b", new ListRequest { Prefix = "a/", PageSize = 2, ContinuationToken = first.ContinuationToken });
        Assert.Equal(["a/2", "a/3"], second.Entries.Select(e => e.Name));
        Assert.Null(second.ContinuationToken); // nothing more under the prefix
        var afterLast = Store.List("b", new ListRequest { Prefix = "a/", ContinuationToken = "a/3" });
        Assert.Empty(afterLast.Entries);
        Assert.Null(afterLast.ContinuationToken);
        Assert.Equal(names.Order(StringComparer.Ordinal), Store.List("b", new ListRequest()).Entries.Select(e => e.Name));
    }

    [Fact]
    public async Task The_data_file_holds_exactly_the_content_and_old_versions_are_removed()
    {
        await Put("fqn", [1, 2, 3]);
        string firstPath;
        using (var first = Store.OpenRead("b", "fqn")!) firstPath = first.DataPath;
        Assert.Equal(new byte[] { 1, 2, 3 }, await File.ReadAllBytesAsync(firstPath));

        await Put("fqn", [4, 5]);
        using var second = Store.OpenRead("b", "fqn")!;
        Assert.Equal(new byte[] { 4, 5 }, await File.ReadAllBytesAsync(second.DataPath));
        Assert.False(File.Exists(firstPath));
    }

    [Fact]
    public async Task Delete_removes_the_object_and_its_listing_entry()
    {
        await Put("d", [1]);
        Assert.True(await Store.DeleteAsync("b", "d"));
        Assert.False(await Store.DeleteAsync("b", "d"));
        Assert.Null(Store.OpenRead("b", "d"));
        Assert.Equal(0, Store.Count("b"));
    }

    [Fact]
    public async Task Long_and_odd_names_map_to_safe_paths()
    {
        var longName = string.Join('/', Enumerable.Repeat("segment-of-forty-characters-long-abcdefg", 25)); // ~1 KiB
        string[] names = [longName, "a\\b", "%2Fetc%2Fpasswd", "名前/データ"]; // ("%2F..%2F" is refused: see NamesTests)
        foreach (var n in names) await Put(n, [7]);
        foreach (var n in names) Assert.Equal(n, Store.Head("b", n)!.Name);
        Assert.All(Directory.EnumerateFiles(_test.Root, "*", SearchOption.AllDirectories), f => Assert.StartsWith(_test.Root, f));
    }

    [Fact]
    public async Task Invalid_names_are_refused_before_anything_is_written()
    {
        var e = await Assert.ThrowsAsync<OaisException>(() => Put("../escape", [1]));
        Assert.Equal(OaisErrorCode.InvalidName, e.Code);
        Assert.Contains("'..'", e.Message);
        Assert.Empty(Directory.EnumerateFiles(_test.Root, "*", SearchOption.AllDirectories));
    }
}
