using System.Security.Cryptography;
using OrleansAis.EtlHost.Transformers;

namespace OrleansAis.EtlHost.Tests;

/// <summary>Direct put: with <c>Ais-Node-Url</c> the result goes to that URL, and the answer is 204 + its length.</summary>
[Trait("Category", "Fast")]
public sealed class DirectPutTests : IAsyncLifetime
{
    private FakeSilo _destination = null!;

    public async Task InitializeAsync() => _destination = await FakeSilo.StartAsync();

    public async Task DisposeAsync() => await _destination.DisposeAsync();

    private static HttpRequestMessage Put(string path, byte[] body, string destination)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(body) };
        request.Headers.Add("Ais-Node-Url", destination);
        return request;
    }

    [Fact]
    public async Task The_result_is_put_to_the_destination_and_the_answer_is_204_with_its_length()
    {
        var body = RandomNumberGenerator.GetBytes(200_000);
        await using var host = await TransformerHost.StartAsync(new GzipTransformer());
        using var response = await host.Http.SendAsync(Put("src/a.bin", body, _destination.Url("/v1/etl/_object/e/s/dst/a.bin.gz")));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var delivered = _destination.Received["/v1/etl/_object/e/s/dst/a.bin.gz"];
        Assert.Equal(delivered.Length.ToString(), Assert.Single(response.Headers.GetValues("Ais-Direct-Put-Length")));
        Assert.Equal(body, Gzip.Decompress(delivered));
    }

    [Fact]
    public async Task A_pull_can_deliver_by_direct_put_too()
    {
        await using var silo = await FakeSilo.StartAsync();
        silo.Objects["/t/src/b.txt"] = "pulled"u8.ToArray();
        await using var host = await TransformerHost.StartAsync(new UpperTransformer(), targetUrl: silo.Url("/t"));
        var request = new HttpRequestMessage(HttpMethod.Get, "src/b.txt");
        request.Headers.Add("Ais-Node-Url", _destination.Url("/dst/b.txt"));
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("6", Assert.Single(response.Headers.GetValues("Ais-Direct-Put-Length")));
        Assert.Equal("PULLED"u8.ToArray(), _destination.Received["/dst/b.txt"]);
    }

    [Fact]
    public async Task A_refused_put_is_a_502_with_the_destinations_status_and_message()
    {
        _destination.PutFailure = (507, "insufficient storage on target-2");
        await using var host = await TransformerHost.StartAsync(new EchoTransformer());
        using var response = await host.Http.SendAsync(Put("src/a", [1, 2, 3], _destination.Url("/dst/a")));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var message = await response.Content.ReadAsStringAsync();
        Assert.Contains("507", message);
        Assert.Contains("insufficient storage on target-2", message);
    }

    [Fact]
    public async Task An_unreachable_destination_is_a_502_and_the_slot_is_released()
    {
        await using var host = await TransformerHost.StartAsync(new EchoTransformer(), maxConcurrency: 1);
        var nowhere = $"http://127.0.0.1:{EtlHostProcess.FreePort()}/dst/a";
        for (var i = 0; i < 2; i++)
        {
            using var response = await host.Http.SendAsync(Put("src/a", RandomNumberGenerator.GetBytes(1 << 20), nowhere));
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }
        // With one slot, a transform left blocked by the failed put would hang this.
        Assert.Equal([9], await host.PushAsync("src/b", [9]));
    }

    [Fact]
    public async Task A_transformer_error_is_a_500_and_the_destination_keeps_nothing()
    {
        await using var host = await TransformerHost.StartAsync(new FailMidwayTransformer());
        using var response = await host.Http.SendAsync(Put("src/a", [1], _destination.Url("/dst/a")));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("broke halfway", await response.Content.ReadAsStringAsync());
        Assert.Empty(_destination.Received);
    }
}
