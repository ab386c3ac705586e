using System.Security.Cryptography;
using OrleansAis.EtlHost.Transformers;

namespace OrleansAis.EtlHost.Tests;

/// <summary>hpull and hrev: <c>GET /{bucket}/{object}</c>; the host fetches the raw object from AIS_TARGET_URL.</summary>
[Trait("Category", "Fast")]
public sealed class HttpPullTests : IAsyncLifetime
{
    private const string TargetPath = "/v1/etl/_target/my-etl/s3cret";
    private FakeSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await FakeSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Task<TransformerHost> HostAsync(ITransformer transformer) => TransformerHost.StartAsync(transformer, targetUrl: _silo.Url(TargetPath));

    [Fact]
    public async Task Fetches_the_raw_object_from_the_target_url_and_answers_with_the_result()
    {
        var body = RandomNumberGenerator.GetBytes(500_000);
        _silo.Objects[$"{TargetPath}/bkt/obj.bin"] = body;
        await using var echo = await HostAsync(new EchoTransformer());
        Assert.Equal(body, await echo.Http.GetByteArrayAsync("bkt/obj.bin"));
        await using var md5 = await HostAsync(new HashTransformer(HashTransformer.Md5));
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(body)), await md5.Http.GetStringAsync("bkt/obj.bin"));
    }

    [Fact]
    public async Task Escapes_each_path_segment_when_fetching_and_passes_etl_args()
    {
        _silo.Objects[$"{TargetPath}/bkt/dir/a b#c?.txt"] = "x"u8.ToArray();
        await using var host = await HostAsync(new RequestEchoTransformer());
        Assert.Equal("bkt|dir/a b#c?.txt|v=1|", await host.Http.GetStringAsync("bkt/dir/a%20b%23c%3F.txt?etl_args=v%3D1"));
        Assert.Equal($"{TargetPath}/bkt/dir/a%20b%23c%3F.txt", Assert.Single(_silo.RawGets));
    }

    [Fact]
    public async Task A_failed_raw_fetch_is_a_502_with_the_silos_status_and_message()
    {
        await using var host = await HostAsync(new EchoTransformer());
        using var response = await host.Http.GetAsync("bkt/missing.bin");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var message = await response.Content.ReadAsStringAsync();
        Assert.Contains("404", message);
        Assert.Contains("no such object", message);
    }

    [Fact]
    public async Task Without_a_target_url_a_pull_is_a_502_saying_so()
    {
        await using var host = await TransformerHost.StartAsync(new EchoTransformer());
        using var response = await host.Http.GetAsync("bkt/obj");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("AIS_TARGET_URL is not set", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unreachable_silo_is_a_502()
    {
        await using var host = await TransformerHost.StartAsync(new EchoTransformer(), targetUrl: $"http://127.0.0.1:{EtlHostProcess.FreePort()}/t");
        using var response = await host.Http.GetAsync("bkt/obj");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("fetching bkt/obj from the silo failed", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_transformer_error_on_a_pull_is_a_500()
    {
        _silo.Objects[$"{TargetPath}/bkt/plain.txt"] = "plain"u8.ToArray();
        await using var host = await HostAsync(new GunzipTransformer());
        using var response = await host.Http.GetAsync("bkt/plain.txt");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("transformer error: ", await response.Content.ReadAsStringAsync());
    }
}
