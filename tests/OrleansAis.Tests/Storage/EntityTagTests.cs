using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansAis.Storage;

namespace OrleansAis.Tests.Storage;

/// <summary>Entity tags are S3's: the content's MD5, the multipart form for completed uploads, and kept by moves.</summary>
[Trait("Category", "Fast")]
public sealed class EntityTagTests : IDisposable
{
    private readonly TestStore _test = new();
    private LocalObjectStore Store => _test.Store;

    public void Dispose() => _test.Dispose();

    private static string Md5Hex(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));

    [Fact]
    public async Task A_put_stores_the_md5_of_its_bytes_and_uses_it_as_the_etag()
    {
        var content = PatternStream.Bytes(3_000_001, 4);
        var meta = await Store.PutAsync("b", "x", new MemoryStream(content), PutOptions.Default);

        Assert.Equal(Md5Hex(content), meta.Md5);
        Assert.Null(meta.MultipartETag);
        Assert.Equal($"\"{Md5Hex(content)}\"", meta.ETag);
        Assert.Equal(meta.ETag, Store.Head("b", "x")!.ETag);
        Assert.Equal(meta.ETag, _test.Reopen().Head("b", "x")!.ETag); // persisted, not only cached
        Assert.Equal(meta.ETag, Store.List("b", new ListRequest()).Entries.Single().ETag);
    }

    [Fact]
    public async Task An_object_stored_before_md5s_were_kept_keeps_its_old_etag_and_a_move_does_not_change_it()
    {
        var content = PatternStream.Bytes(1000, 5);
        var meta = await Store.PutAsync("b", "old", new MemoryStream(content), PutOptions.Default);
        // What an older version of the store wrote: the same metadata without the MD5 fields.
        var metaPath = Store.MetaPathOf("b", "old");
        var json = JsonNode.Parse(File.ReadAllBytes(metaPath))!.AsObject();
        json.Remove("Md5");
        json.Remove("MultipartETag");
        File.WriteAllText(metaPath, json.ToJsonString());
        var store = _test.Reopen();

        var old = store.Head("b", "old")!;
        Assert.Null(old.Md5);
        Assert.Equal($"\"{meta.Checksum}-1\"", old.ETag);

        using var other = new TestStore();
        await using (var import = other.Store.BeginImport(old))
        {
            await import.WriteAsync(content);
            await import.CommitAsync();
        }
        Assert.Equal(old.ETag, other.Store.Head("b", "old")!.ETag);
    }

    [Fact]
    public async Task A_write_without_content_md5_such_as_an_etl_output_gets_the_xxhash64_etag()
    {
        var content = PatternStream.Bytes(70_000, 6);
        var meta = await Store.PutAsync("b", "derived", new MemoryStream(content), new PutOptions { ContentMd5 = false });

        Assert.Null(meta.Md5);
        Assert.Equal($"\"{meta.Checksum}-1\"", meta.ETag);
        Assert.Equal(meta.ETag, _test.Reopen().Head("b", "derived")!.ETag);
    }

    [Fact]
    public async Task A_completed_multipart_upload_has_s3s_multipart_etag_and_its_parts_have_their_md5s()
    {
        var uploads = new MultipartUploads(Store);
        byte[][] parts = [PatternStream.Bytes((int)MultipartUploads.MinPartBytes, 1), PatternStream.Bytes(1234, 2)];
        var id = await uploads.CreateAsync("b", "mp", PutOptions.Default);
        var etags = new List<(int, string)>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await uploads.WritePartAsync(id, i + 1, new MemoryStream(parts[i]), parts[i].Length);
            Assert.Equal($"\"{Md5Hex(parts[i])}\"", part.ETag);
            etags.Add((i + 1, part.ETag));
        }
        var meta = await uploads.CompleteAsync(id, etags);

        var expected = Md5Hex(parts.SelectMany(p => MD5.HashData(p)).ToArray()) + "-2";
        Assert.Equal($"\"{expected}\"", meta.ETag);
        Assert.Equal(2, meta.PartsCount);
        Assert.Null(meta.Md5); // the assembled content is not hashed a second time: only the multipart ETag is served

        using var other = new TestStore();
        await using (var import = other.Store.BeginImport(meta))
        {
            foreach (var p in parts) await import.WriteAsync(p);
            await import.CommitAsync();
        }
        Assert.Equal(meta.ETag, other.Store.Head("b", "mp")!.ETag); // a mirror or a rebalanced copy keeps the multipart ETag
        Assert.Equal([parts[0].Length, parts[1].Length], other.Store.Head("b", "mp")!.PartSizes!);

        // Between silos the metadata travels as an Orleans message (mirroring, rebalancing, Find): the new fields with it.
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var copy = serializer.Deserialize<ObjectMeta>(serializer.SerializeToArray(meta))!;
        Assert.Equal((meta.Md5, meta.MultipartETag, meta.ETag), (copy.Md5, copy.MultipartETag, copy.ETag));
        Assert.Equal(meta.PartSizes!, copy.PartSizes!);
    }
}
