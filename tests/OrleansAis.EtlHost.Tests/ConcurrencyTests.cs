namespace OrleansAis.EtlHost.Tests;

/// <summary>At most MaxConcurrency transforms run at once, whatever the communicator; the others wait their turn.</summary>
[Trait("Category", "Fast")]
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task No_more_than_the_limit_run_at_once_and_every_request_completes()
    {
        var slow = new SlowTransformer(TimeSpan.FromMilliseconds(300));
        await using var host = await TransformerHost.StartAsync(slow, maxConcurrency: 2);
        var pushes = Enumerable.Range(0, 4).Select(i => host.PushAsync($"bkt/http-{i}", [(byte)i]));
        var sockets = Enumerable.Range(0, 2).Select(async i =>
        {
            await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
            await ws.SendAsync(i, $"bkt/ws-{i}", [(byte)(10 + i)]);
            return (await ws.ReceiveAsync()).Body!;
        });
        var results = await Task.WhenAll(pushes.Concat(sockets));
        Assert.Equal([[0], [1], [2], [3], [10], [11]], results);
        Assert.Equal(2, slow.MaxRunning);
    }
}
