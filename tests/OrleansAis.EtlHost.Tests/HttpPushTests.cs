using System.Security.Cryptography;
using OrleansAis.EtlHost.Transformers;

namespace OrleansAis.EtlHost.Tests;

/// <summary>hpush: <c>PUT /{bucket}/{object}</c>, the object as the body, the result as the answer.</summary>
[Trait("Category", "Fast")]
public sealed class HttpPushTests
{
    [Fact]
    public async Task Health_answers_running()
    {
        await using var host = await TransformerHost.StartAsync(new EchoTransformer());
        Assert.Equal("Running", await host.Http.GetStringAsync("health"));
    }

    [Fact]
    public async Task Bucket_object_name_and_etl_args_reach_the_transformer_unescaped()
    {
        await using var host = await TransformerHost.StartAsync(new RequestEchoTransformer());
        var result = await host.PushAsync("my-bkt/dir/a%20b%2Fc%23d%3F.txt", [1, 2, 3], etlArgs: "k=v&x=1 2");
        // %2F inside a segment stays part of the name: the object is "dir/a b/c#d?.txt".
        Assert.Equal("my-bkt|dir/a b/c#d?.txt|k=v&x=1 2|", Encoding.UTF8.GetString(result));
    }

    [Fact]
    public async Task The_answer_starts_before_the_object_has_been_sent()
    {
        await using var host = await TransformerHost.StartAsync(new EchoTransformer());
        var body = RandomNumberGenerator.GetBytes(4 << 20);
        await using var put = await ChunkedPut.StartAsync(host.BaseUri, "/bkt/streamed");
        await put.SendChunkAsync(body.AsMemory(0, 1 << 16));
        // Only 64 KiB of 4 MiB are out: an answer now means the host streams rather than buffering the object.
        await put.FirstBodyBytes.WaitAsync(TimeSpan.FromSeconds(10));
        for (var offset = 1 << 16; offset < body.Length; offset += 1 << 16) await put.SendChunkAsync(body.AsMemory(offset, 1 << 16));
        var (status, result) = await put.FinishAsync();
        Assert.Contains(" 200 ", status);
        Assert.Equal(body, result);
    }

    [Fact]
    public async Task A_transformer_exception_is_a_500_with_its_message()
    {
        await using var host = await TransformerHost.StartAsync(new FailOnTransformer("bad"));
        using var response = await host.Http.PutAsync("bkt/bad-object", new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("transformer error: refusing 'bkt/bad-object' (its name contains 'bad')", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_failure_after_the_answer_started_aborts_the_connection()
    {
        await using var host = await TransformerHost.StartAsync(new FailMidwayTransformer());
        // Reading the whole answer must fail: a cut-short body may never look like a complete one.
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using var response = await host.Http.PutAsync("bkt/obj", new ByteArrayContent([1]));
        });
        // The server itself is fine.
        Assert.Equal("Running", await host.Http.GetStringAsync("health"));
    }

    [Fact]
    public async Task A_path_without_an_object_name_is_a_404()
    {
        await using var host = await TransformerHost.StartAsync(new EchoTransformer());
        using var response = await host.Http.PutAsync("only-bucket", new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
