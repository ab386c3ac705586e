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

/// <summary>Multipart uploads keep per-part checksums, give the object its composite or full-object one, and expire.</summary>
[Trait("Category", "Fast")]
public sealed class MultipartChecksumTests : IDisposable
{
    private readonly TestStore _test = new();
    private LocalObjectStore Store => _test.Store;

    public void Dispose() => _test.Dispose();

    private static string Sha256(byte[] data) => Convert.ToBase64String(SHA256.HashData(data));

    [Theory]
    [InlineData(ObjectChecksum.Composite)]
    [InlineData(ObjectChecksum.FullObject)]
    public async Task A_completed_upload_has_the_checksum_of_its_type(string type)
    {
        var uploads = new MultipartUploads(Store);
        byte[][] parts = [OrleansAis.Tests.PatternStream.Bytes((int)MultipartUploads.MinPartBytes, 3), OrleansAis.Tests.PatternStream.Bytes(777, 4)];
        var algorithm = type == ObjectChecksum.Composite ? "sha256" : "crc32";
        var id = await uploads.CreateAsync("b", "mp", PutOptions.Default, checksumAlgorithm: algorithm, checksumType: type);
        var listed = new List<(int, string)>();
        var checksums = new Dictionary<int, string>();
        for (var i = 0; i < parts.Length; i++)
        {
            var digest = ContentHash.For(algorithm)!;
            digest.Append(parts[i]);
            var value = Convert.ToBase64String(digest.Finish());
            var part = await uploads.WritePartAsync(id, i + 1, new MemoryStream(parts[i]), parts[i].Length, checksumAtEnd: () => value);
            Assert.Equal(value, part.Checksum);
            listed.Add((i + 1, part.ETag));
            checksums[i + 1] = value;
        }
        Assert.Equal(checksums.Values, uploads.ListParts(id).Select(p => p.Checksum));

        var meta = await uploads.CompleteAsync(id, listed, partChecksums: checksums);
        var whole = ContentHash.For(algorithm)!;
        if (type == ObjectChecksum.Composite)
        {
            foreach (var value in checksums.Values) whole.Append(Convert.FromBase64String(value));
            Assert.Equal(new ObjectChecksum("sha256", Convert.ToBase64String(whole.Finish()) + "-2", ObjectChecksum.Composite), meta.ContentChecksum);
        }
        else
        {
            foreach (var part in parts) whole.Append(part);
            Assert.Equal(new ObjectChecksum("crc32", Convert.ToBase64String(whole.Finish()), ObjectChecksum.FullObject), meta.ContentChecksum);
        }
        Assert.Equal(meta.ContentChecksum, Store.Head("b", "mp")!.ContentChecksum); // stored, not only answered
    }

    [Fact]
    public async Task A_listed_part_checksum_that_is_not_the_stored_one_fails_the_complete_and_keeps_the_upload()
    {
        var uploads = new MultipartUploads(Store);
        var id = await uploads.CreateAsync("b", "k", PutOptions.Default, checksumAlgorithm: "sha256");
        var part = await uploads.WritePartAsync(id, 1, new MemoryStream([1, 2]), 2, checksumAtEnd: () => Sha256([1, 2]));
        var wrong = await Assert.ThrowsAsync<MultipartUploadException>(() =>
            uploads.CompleteAsync(id, [(1, part.ETag)], partChecksums: new Dictionary<int, string> { [1] = Sha256([9]) }));
        Assert.Equal(MultipartProblem.InvalidPart, wrong.Problem);
        Assert.Null(Store.Head("b", "k"));
        Assert.Single(uploads.ListParts(id));
    }

    [Fact]
    public async Task Expiry_aborts_only_uploads_started_before_the_cutoff()
    {
        var uploads = new MultipartUploads(Store);
        var old = await uploads.CreateAsync("b", "old", PutOptions.Default);
        await uploads.WritePartAsync(old, 1, new MemoryStream([1]), 1);
        var cutoff = DateTimeOffset.UtcNow.AddMilliseconds(1);
        await OrleansAis.Testing.Waiting.WaitUntil(() => DateTimeOffset.UtcNow > cutoff, TimeSpan.FromSeconds(5), () => "the clock did not move");
        var fresh = await uploads.CreateAsync("b", "fresh", PutOptions.Default);

        Assert.Equal(1, await uploads.ExpireAsync(cutoff));
        Assert.Equal(["fresh"], uploads.List("b", "").Select(u => u.Upload.Name));
        Assert.Equal(MultipartProblem.NoSuchUpload, (await Assert.ThrowsAsync<MultipartUploadException>(() =>
            uploads.WritePartAsync(old, 2, new MemoryStream([1]), 1))).Problem);
        Assert.Equal(0, await uploads.ExpireAsync(cutoff));
        Assert.NotNull(uploads.Describe(fresh));
    }
}
