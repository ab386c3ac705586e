using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansAis.EndToEnd.Tests.Infrastructure;
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
            using (var put = await cluster.Http.SendAsync(request)) Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

            using var get = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, Path("ais-rt", name) + "?proxy=true"));
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(content, await get.Content.ReadAsByteArrayAsync());
            Assert.Equal("text/x-test", get.Content.Headers.ContentType!.MediaType);
            Assert.Equal("unit", get.Headers.GetValues("X-Oais-Meta-origin").Single());
            Assert.Equal("xxhash64", get.Headers.GetValues("X-Oais-Checksum-Type").Single());

            using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Endpoint, Path("ais-rt", name) + "?proxy=true")));
            Assert.Equal(content.Length, head.Content.Headers.ContentLength);

            using var delete = await cluster.Http.DeleteAsync(new Uri(cluster.Endpoint, Path("ais-rt", name)));
            Assert.True(delete.StatusCode == HttpStatusCode.NoContent, $"delete {name}: {(int)delete.StatusCode} {await delete.Content.ReadAsStringAsync()}");
            using var gone = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, Path("ais-rt", name) + "?proxy=true"));
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Contains("ObjectNotFound", await gone.Content.ReadAsStringAsync());
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
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
            Assert.Contains("InvalidRange", await response.Content.ReadAsStringAsync());
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
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("page_size", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bad_names_and_missing_buckets_are_clear_4xx_and_write_nothing()
    {
        await CreateBucketAsync("ais-bad");
        // HttpClient (System.Uri) would normalise a '..' segment away before sending: say it on a raw socket.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", cluster.Silos[0].HttpPort);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("PUT /v1/objects/ais-bad/a/../escape HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"));
            var answer = await new StreamReader(stream).ReadToEndAsync();
            Assert.StartsWith("HTTP/1.1 400", answer);
            Assert.Contains("'..'", answer);
        }
        foreach (var (path, expected) in new[]
                 {
                     ("/v1/objects/ais-bad/" + new string('n', 1025), "1024"),
                     ("/v1/objects/bad%20bucket/x", "bucket name"),
                 })
        {
            using var response = await cluster.Http.PutAsync(new Uri(cluster.Endpoint.ToString().TrimEnd('/') + path), new ByteArrayContent([1]));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(expected, await response.Content.ReadAsStringAsync());
        }
        // Kestrel itself refuses a NUL in the path (400) before any handler runs.
        using (var nul = await cluster.Http.PutAsync(new Uri(cluster.Endpoint.ToString().TrimEnd('/') + "/v1/objects/ais-bad/nul%00byte"), new ByteArrayContent([1])))
            Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        using (var missing = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/v1/objects/no-such-bucket/x"), new ByteArrayContent([1])))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Contains("BucketNotFound", await missing.Content.ReadAsStringAsync());
        }
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
        {
            Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
            Assert.Contains("ChecksumMismatch", await mismatch.Content.ReadAsStringAsync());
        }

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
        await Task.Delay(1000);
        foreach (var silo in cluster.Silos)
        {
            using var response = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, Path("ais-partial", "cut-" + silo.NodeId) + "?proxy=true"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        var listing = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-partial"))).RootElement;
        Assert.Equal(0, listing.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Buckets_create_with_properties_list_head_and_delete()
    {
        using (var create = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-props"), new StringContent("""{"properties":{"tier":"hot"}}""")))
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        using (var again = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-props"), null))
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var all = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.Silos[1].HttpUrl, "/v1/buckets"))).RootElement;
        var bucket = all.GetProperty("buckets").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "ais-props");
        Assert.Equal("hot", bucket.GetProperty("properties").GetProperty("tier").GetString());
        await PutAsync(cluster.Endpoint, "ais-props", "o", [1]);
        using (var refused = await cluster.Http.DeleteAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-props")))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("BucketNotEmpty", await refused.Content.ReadAsStringAsync());
        }
        using (var forced = await cluster.Http.DeleteAsync(new Uri(cluster.Endpoint, "/v1/buckets/ais-props?force=true")))
            Assert.Equal(HttpStatusCode.NoContent, forced.StatusCode);
        using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(cluster.Endpoint, "/v1/buckets/ais-props")));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }
}
