using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.Ais;

/// <summary>The AIS-style HTTP API on three real silos, driven with plain HttpClient requests.</summary>
public sealed class AisObjectTests(ThreeSiloCluster cluster) : IClassFixture<ThreeSiloCluster>
{
    private readonly HttpClient _noRedirects = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    private static string Path(string bucket, string name) => $"/v1/objects/{bucket}/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}";

    private async Task CreateBucketAsync(string bucket)
    {
        using var response = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, $"/v1/buckets/{bucket}"), null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<JsonElement> PutAsync(Uri silo, string bucket, string name, byte[] content, string? contentType = null)
    {
        var body = new ByteArrayContent(content);
        if (contentType is not null) body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await cluster.Http.PutAsync(new Uri(silo, Path(bucket, name)), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static void AssertMetadataHeaders(HttpResponseMessage response, JsonElement meta, byte[] content)
    {
        var size = content.Length;
        string Header(string name) => response.Headers.GetValues(name).Single();
        Assert.Equal(size, response.Content.Headers.ContentLength);
        Assert.Equal("text/x-test", response.Content.Headers.ContentType!.MediaType);
        // The entity tag is the content's MD5, as S3's (the xxhash64 checksum has headers of its own).
        Assert.Equal($"\"{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content))}\"", response.Headers.ETag!.Tag);
        Assert.Equal(meta.GetProperty("modified").GetDateTimeOffset().ToUnixTimeSeconds(), response.Content.Headers.LastModified!.Value.ToUnixTimeSeconds());
        Assert.Equal("bytes", Header("Accept-Ranges"));
        Assert.Equal("xxhash64", Header("X-Oais-Checksum-Type"));
        Assert.Equal(meta.GetProperty("checksum").GetString(), Header("X-Oais-Checksum-Value"));
        Assert.Equal(meta.GetProperty("version").GetInt64().ToString(), Header("X-Oais-Version"));
        Assert.Equal(meta.GetProperty("node").GetString(), Header("X-Oais-Node"));
        Assert.Equal("unit", Header("X-Oais-Meta-origin"));
    }

    [Fact]
    public async Task Put_get_head_delete_round_trip_with_metadata_and_odd_names()
    {
        await CreateBucketAsync("ais-rt");
        foreach (var name in new[] { "plain.bin", "dir/sub/file name with spaces.txt", "ünïcödé/名前", "percent%2Fnot-a-slash" })
        {
            var content = PatternStream.Bytes(10_000 + name.Length, (ulong)name.Length);
            var request = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.Endpoint, Path("ais-rt", name))) { Content = new ByteArrayContent(content) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/x-test");
            request.Headers.Add("X-Oais-Meta-Origin", "unit");
            JsonElement meta;
            using (var put = await cluster.Http.SendAsync(request))
            {
                var text = await put.Content.ReadAsStringAsync();
                Assert.True(put.IsSuccessStatusCode, text);
                meta = JsonDocument.Parse(text).RootElement;
            }
            Assert.Equal(name, meta.GetProperty("name").GetString());
            Assert.Equal(content.Length, meta.GetProperty("size").GetInt64());
            Assert.Equal("xxhash64", meta.GetProperty("checksum_type").GetString());
            Assert.Equal("unit", meta.GetProperty("custom").GetProperty("origin").GetString());

            using var get = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, Path("ais-rt", name) + "?proxy=true"));
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(content, await get.Content.ReadAsByteArrayAsync());
            AssertMetadataHeaders(get, meta, content);

            using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Endpoint, Path("ais-rt", name) + "?proxy=true")));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            AssertMetadataHeaders(head, meta, content);

            using var delete = await cluster.Http.DeleteAsync(new Uri(cluster.Endpoint, Path("ais-rt", name)));
            Assert.True(delete.StatusCode == HttpStatusCode.NoContent, $"delete {name}: {(int)delete.StatusCode} {await delete.Content.ReadAsStringAsync()}");
            using var gone = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, Path("ais-rt", name) + "?proxy=true"));
            await AssertErrorAsync(gone, HttpStatusCode.NotFound, "ObjectNotFound");
            using var again = await cluster.Http.DeleteAsync(new Uri(cluster.Endpoint, Path("ais-rt", name)));
            await AssertErrorAsync(again, HttpStatusCode.NotFound, "ObjectNotFound");
        }
    }

    [Fact]
    public async Task Non_owners_redirect_gets_to_the_owner_proxy_on_request_and_proxy_puts()
    {
        await CreateBucketAsync("ais-route");
        var content = PatternStream.Bytes(100_000, 3);
        for (var i = 0; i < 12; i++)
        {
            var name = $"routed-{i}";
            // PUT through silo i % 3: whichever silo is asked, the object lands on its owner.
            var meta = await PutAsync(cluster.Silos[i % 3].HttpUrl, "ais-route", name, content);
            var owner = cluster.Silos.Single(s => s.NodeId == meta.GetProperty("node").GetString());
            foreach (var silo in cluster.Silos)
            {
                using var direct = await _noRedirects.GetAsync(new Uri(silo.HttpUrl, Path("ais-route", name)));
                if (silo == owner)
                {
                    Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
                    continue;
                }
                Assert.Equal(HttpStatusCode.TemporaryRedirect, direct.StatusCode);
                Assert.Equal(new Uri(owner.HttpUrl, Path("ais-route", name)), direct.Headers.Location);
                using var head = await _noRedirects.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(silo.HttpUrl, Path("ais-route", name))));
                Assert.Equal(HttpStatusCode.TemporaryRedirect, head.StatusCode);
                var viaHeader = new HttpRequestMessage(HttpMethod.Head, new Uri(silo.HttpUrl, Path("ais-route", name)));
                viaHeader.Headers.Add("X-Oais-Proxy", "true");
                using (var proxiedHead = await _noRedirects.SendAsync(viaHeader))
                {
                    Assert.Equal(HttpStatusCode.OK, proxiedHead.StatusCode);
                    Assert.Equal(content.Length, proxiedHead.Content.Headers.ContentLength);
                    Assert.Equal(owner.NodeId, proxiedHead.Headers.GetValues("X-Oais-Node").Single());
                }
                using var proxied = await _noRedirects.GetAsync(new Uri(silo.HttpUrl, Path("ais-route", name)) + "?proxy=true");
                Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
                Assert.Equal(owner.NodeId, proxied.Headers.GetValues("X-Oais-Node").Single());
                Assert.Equal(content, await proxied.Content.ReadAsByteArrayAsync());
            }
        }
    }

    [Fact]
    public async Task Byte_ranges_and_unsatisfiable_ranges()
    {
        await CreateBucketAsync("ais-range");
        var content = PatternStream.Bytes(5000, 8);
        await PutAsync(cluster.Endpoint, "ais-range", "r", content);
        async Task<HttpResponseMessage> Range(string range)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.Endpoint, Path("ais-range", "r") + "?proxy=true"));
            request.Headers.TryAddWithoutValidation("Range", range);
            return await cluster.Http.SendAsync(request);
        }
        using (var middle = await Range("bytes=100-199"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, middle.StatusCode);
            Assert.Equal("bytes 100-199/5000", middle.Content.Headers.ContentRange!.ToString());
            Assert.Equal(content[100..200], await middle.Content.ReadAsByteArrayAsync());
        }
        using (var suffix = await Range("bytes=-10")) Assert.Equal(content[^10..], await suffix.Content.ReadAsByteArrayAsync());
        using (var open = await Range("bytes=4990-")) Assert.Equal(content[4990..], await open.Content.ReadAsByteArrayAsync());
        foreach (var bad in new[] { "bytes=6000-7000", "bytes=9-3", "bytes=0-1,5-6", "pages=1-2" })
        {
            using var response = await Range(bad);
            await AssertErrorAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable, "InvalidRange");
            Assert.Equal("bytes */5000", response.Content.Headers.GetValues("Content-Range").Single());
        }
    }

    [Fact]
    public async Task Listing_pages_merge_all_silos_in_name_order()
    {
        await CreateBucketAsync("ais-list");
        var names = Enumerable.Range(0, 50).Select(i => $"{(i % 3 == 0 ? "x" : "y")}/item-{i:D2}").ToList();
        await Parallel.ForEachAsync(names, async (n, _) => await PutAsync(cluster.Endpoint, "ais-list", n, [1]));
        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.Silos[2].HttpUrl,
                "/v1/buckets/ais-list?page_size=7" + (token is null ? "" : "&continuation_token=" + Uri.EscapeDataString(token))))).RootElement;
            var entries = page.GetProperty("entries").EnumerateArray().ToList();
            Assert.True(entries.Count <= 7);
            listed.AddRange(entries.Select(e => e.GetProperty("name").GetString()!));
            token = page.GetProperty("continuation_token").GetString();
        } while (token is not null);
        Assert.Equal(names.Order(StringComparer.Ordinal), listed);
        var onlyX = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-list?prefix=x/"))).RootElement;
        Assert.Equal(17, onlyX.GetProperty("entries").GetArrayLength());
        using var bad = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-list?page_size=0"));
        await AssertErrorAsync(bad, HttpStatusCode.BadRequest, "InvalidArgument", "page_size");
    }

    [Fact]
    public async Task Bad_names_and_missing_buckets_are_clear_4xx_and_write_nothing()
    {
        await CreateBucketAsync("ais-bad");
        // System.Uri removes dot segments, escaped ones too ("a/%2E%2E/x" becomes "x"): a client could never send them,
        // and a name would silently change. With canonicalization off they go out, and arrive, exactly as written.
        var root = cluster.Endpoint.ToString().TrimEnd('/');
        Assert.Equal("/v1/objects/ais-bad/x", new Uri(root + "/v1/objects/ais-bad/a/%2E%2E/x").AbsolutePath);
        foreach (var target in new[] { "/v1/objects/ais-bad/a/../escape", "/v1/objects/ais-bad/a/%2E%2E/x", "/v1/objects/ais-bad/a/%2e./x" })
        {
            var verbatim = new Uri(root + target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            Assert.Equal(target, verbatim.PathAndQuery);
            using var response = await cluster.Http.PutAsync(verbatim, new ByteArrayContent([1]));
            await AssertErrorAsync(response, HttpStatusCode.BadRequest, "InvalidName", "'..'");
        }
        // Kestrel sees the raw target too: a '..' written on a plain socket is refused, not resolved.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", cluster.Silos[0].HttpPort);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("PUT /v1/objects/ais-bad/../ais-bad/escape HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"));
            var answer = await new StreamReader(stream).ReadToEndAsync();
            Assert.StartsWith("HTTP/1.1 400", answer);
            Assert.Contains("InvalidName", answer);
        }
        foreach (var (path, expected) in new[]
                 {
                     ("/v1/objects/ais-bad/" + new string('n', 1025), "1024"),
                     ("/v1/objects/bad%20bucket/x", "bucket name"),
                 })
        {
            using var response = await cluster.Http.PutAsync(new Uri(cluster.Endpoint.ToString().TrimEnd('/') + path), new ByteArrayContent([1]));
            await AssertErrorAsync(response, HttpStatusCode.BadRequest, "InvalidName", expected);
        }
        // Kestrel itself refuses a NUL in the path (400) before any handler runs.
        using (var nul = await cluster.Http.PutAsync(new Uri(cluster.Endpoint.ToString().TrimEnd('/') + "/v1/objects/ais-bad/nul%00byte"), new ByteArrayContent([1])))
            Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        // Every silo, whether or not it owns the name, says the same about a bucket that does not exist.
        foreach (var silo in cluster.Silos)
        {
            using (var put = await cluster.Http.PutAsync(new Uri(silo.HttpUrl, "/v1/objects/no-such-bucket/x"), new ByteArrayContent([1])))
                await AssertErrorAsync(put, HttpStatusCode.NotFound, "BucketNotFound");
            using (var get = await cluster.Http.GetAsync(new Uri(silo.HttpUrl, "/v1/objects/no-such-bucket/x?proxy=true")))
                await AssertErrorAsync(get, HttpStatusCode.NotFound, "BucketNotFound");
        }
        using (var list = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, "/v1/buckets/no-such-bucket")))
            await AssertErrorAsync(list, HttpStatusCode.NotFound, "BucketNotFound");
        using (var drop = await cluster.Http.DeleteAsync(new Uri(cluster.Endpoint, "/v1/buckets/no-such-bucket")))
            await AssertErrorAsync(drop, HttpStatusCode.NotFound, "BucketNotFound");
        using (var create = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/v1/buckets/-starts-with-dash"), null))
            await AssertErrorAsync(create, HttpStatusCode.BadRequest, "InvalidName", "must start with a letter or digit");
        using (var force = await cluster.Http.DeleteAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-bad?force=maybe")))
            await AssertErrorAsync(force, HttpStatusCode.BadRequest, "InvalidArgument", "force");
        var listing = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-bad"))).RootElement;
        Assert.Equal(0, listing.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task A_checksum_mismatch_or_an_upload_cut_short_leaves_nothing_visible()
    {
        await CreateBucketAsync("ais-partial");
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.Endpoint, Path("ais-partial", "checked")) + "?x=1") { Content = new ByteArrayContent([1, 2, 3]) };
        request.Headers.Add("X-Oais-Checksum", "0123456789abcdef");
        using (var mismatch = await cluster.Http.SendAsync(request))
            await AssertErrorAsync(mismatch, HttpStatusCode.BadRequest, "ChecksumMismatch");

        // Announce 10 MB, send 1 MB, hang up: on whichever silo owns it, nothing may appear.
        foreach (var silo in cluster.Silos)
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", silo.HttpPort);
            var stream = client.GetStream();
            var head = $"PUT {Path("ais-partial", "cut-" + silo.NodeId)} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(new byte[1_000_000]);
            client.Close();
        }
        // That nothing appears can only be seen over time: watch for a second while the silos notice the hang-ups.
        var seen = "";
        await Waiting.HoldsFor(async () =>
            {
                foreach (var silo in cluster.Silos)
                {
                    using var response = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, Path("ais-partial", "cut-" + silo.NodeId) + "?proxy=true"));
                    if (response.StatusCode != HttpStatusCode.NotFound) { seen = $"cut-{silo.NodeId}: {(int)response.StatusCode}"; return false; }
                }
                return true;
            }, TimeSpan.FromSeconds(1), () => $"a PUT cut short appeared ({seen})", TimeSpan.FromMilliseconds(200));
        var listing = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-partial"))).RootElement;
        Assert.Equal(0, listing.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Buckets_create_with_properties_list_head_and_delete()
    {
        using (var create = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-props"), new StringContent("""{"properties":{"tier":"hot"}}""")))
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        using (var again = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-props"), null))
            await AssertErrorAsync(again, HttpStatusCode.Conflict, "BucketAlreadyExists");
        var all = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.Silos[1].HttpUrl, "/v1/buckets"))).RootElement;
        var bucket = all.GetProperty("buckets").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "ais-props");
        Assert.Equal("hot", bucket.GetProperty("properties").GetProperty("tier").GetString());
        using (var exists = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Silos[2].HttpUrl, "/v1/buckets/ais-props"))))
            Assert.Equal(HttpStatusCode.OK, exists.StatusCode);
        await PutAsync(cluster.Endpoint, "ais-props", "o", [1]);
        using (var refused = await cluster.Http.DeleteAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-props")))
            await AssertErrorAsync(refused, HttpStatusCode.Conflict, "BucketNotEmpty");
        using (var forced = await cluster.Http.DeleteAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-props?force=true")))
            Assert.Equal(HttpStatusCode.NoContent, forced.StatusCode);
        using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Endpoint, "/v1/buckets/ais-props")));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    /// <summary>An AIS error answer: the status, and a JSON body {"error":{code,message,status}} that says what is wrong.</summary>
    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? messagePart = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal((int)status, error.GetProperty("status").GetInt32());
        if (messagePart is not null) Assert.Contains(messagePart, error.GetProperty("message").GetString());
    }
}
