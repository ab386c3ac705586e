using System.Net.WebSockets;
using System.Security.Cryptography;
using OrleansAis.EtlHost.Transformers;

namespace OrleansAis.EtlHost.Tests;

/// <summary>ws://: many objects per connection; per object control + bytes in, result + explicit ok/error status out.</summary>
[Trait("Category", "Fast")]
public sealed class WebSocketTests
{
    [Fact]
    public async Task Many_objects_on_one_connection_are_answered_in_order()
    {
        await using var host = await TransformerHost.StartAsync(new UpperTransformer());
        await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
        // All three are sent before any answer is read: the answers must still come back in order.
        for (var id = 1; id <= 3; id++) await ws.SendAsync(id, $"bkt/obj-{id}", Encoding.UTF8.GetBytes($"object {id}"));
        for (var id = 1; id <= 3; id++)
        {
            var result = await ws.ReceiveAsync();
            Assert.Equal((id, "ok", null), (result.Id, result.Status, result.Message));
            Assert.Equal($"OBJECT {id}", result.Text);
        }
    }

    [Fact]
    public async Task An_error_is_stated_explicitly_and_the_connection_goes_on()
    {
        await using var host = await TransformerHost.StartAsync(new FailOnTransformer("bad"));
        await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
        await ws.SendAsync(7, "bkt/bad-one", "x"u8.ToArray());
        var failed = await ws.ReceiveAsync();
        Assert.Equal((7, "error"), (failed.Id, failed.Status));
        Assert.Equal("transformer error: refusing 'bkt/bad-one' (its name contains 'bad')", failed.Message);
        await ws.SendAsync(8, "bkt/good-one", "fine"u8.ToArray());
        var ok = await ws.ReceiveAsync();
        Assert.Equal((8, "ok", "fine"), (ok.Id, ok.Status, ok.Text));
    }

    [Fact]
    public async Task A_result_cut_short_by_an_error_is_followed_by_an_error_status()
    {
        await using var host = await TransformerHost.StartAsync(new FailMidwayTransformer());
        await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
        await ws.SendAsync(1, "bkt/obj", [1]);
        var result = await ws.ReceiveAsync();
        Assert.Equal("error", result.Status);
        Assert.Contains("broke halfway", result.Message);
    }

    [Fact]
    public async Task An_empty_object_gives_an_empty_result()
    {
        await using var host = await TransformerHost.StartAsync(new EchoTransformer());
        await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
        await ws.SendAsync(1, "bkt/empty", []);
        var result = await ws.ReceiveAsync();
        Assert.Equal("ok", result.Status);
        Assert.Empty(result.Body!);
        await ws.SendAsync(2, "bkt/after-empty", [5]);
        Assert.Equal([5], (await ws.ReceiveAsync()).Body);
    }

    [Fact]
    public async Task An_8_MiB_object_streams_through_both_ways()
    {
        var body = RandomNumberGenerator.GetBytes(8 << 20);
        await using var host = await TransformerHost.StartAsync(new EchoTransformer());
        await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
        // Sending and receiving at once, as the silo does: the answer flows while the object is still going out.
        var sending = ws.SendAsync(1, "bkt/big", body);
        var result = await ws.ReceiveAsync();
        await sending;
        Assert.Equal("ok", result.Status);
        Assert.Equal(body, result.Body);
        await ws.SendAsync(2, "bkt/small", [1, 2]);
        Assert.Equal([1, 2], (await ws.ReceiveAsync()).Body);
    }

    [Fact]
    public async Task A_transformer_that_stops_reading_early_leaves_the_connection_in_step()
    {
        await using var host = await TransformerHost.StartAsync(new FailOnTransformer("big"));
        await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
        // Fails before reading 2 MiB of input: the rest must be skipped, not taken for the next control message.
        var sending = ws.SendAsync(1, "bkt/big", RandomNumberGenerator.GetBytes(2 << 20));
        Assert.Equal("error", (await ws.ReceiveAsync()).Status);
        await sending;
        await ws.SendAsync(2, "bkt/next", "next"u8.ToArray());
        Assert.Equal((2, "ok", "next"), await ws.ReceiveAsync() is var r ? (r.Id, r.Status, r.Text) : default);
    }

    [Fact]
    public async Task Etl_args_and_the_object_path_reach_the_transformer()
    {
        await using var host = await TransformerHost.StartAsync(new RequestEchoTransformer());
        await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
        await ws.SendAsync(1, "bkt/dir/a b.txt", [1], etlArgs: "quality=90");
        Assert.Equal("bkt|dir/a b.txt|quality=90|", (await ws.ReceiveAsync()).Text);
        await ws.SendAsync(2, "bkt/no-args", [1]);
        Assert.Equal("bkt|no-args||", (await ws.ReceiveAsync()).Text);
    }

    [Fact]
    public async Task Fqn_objects_are_read_from_disk_and_a_missing_file_is_an_error_reply()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "on disk");
            await using var host = await TransformerHost.StartAsync(new UpperTransformer());
            await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
            await ws.SendAsync(1, "bkt/f", body: null, fqn: file);
            Assert.Equal(("ok", "ON DISK"), await ws.ReceiveAsync() is var r ? (r.Status, r.Text) : default);
            await ws.SendAsync(2, "bkt/gone", body: null, fqn: file + ".missing");
            var missing = await ws.ReceiveAsync();
            Assert.Equal("error", missing.Status);
            Assert.Contains(".missing", missing.Message);
            await ws.SendAsync(3, "bkt/f", body: null, fqn: file);
            Assert.Equal("ON DISK", (await ws.ReceiveAsync()).Text);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Direct_put_sends_no_result_message_and_reports_the_length()
    {
        await using var destination = await FakeSilo.StartAsync();
        await using var host = await TransformerHost.StartAsync(new UpperTransformer());
        await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
        await ws.SendAsync(1, "bkt/a", "direct"u8.ToArray(), dstUrl: destination.Url("/dst/a"));
        var result = await ws.ReceiveAsync(directPut: true);
        Assert.Equal((1, "ok", 6L), (result.Id, result.Status, result.DirectPutLength));
        Assert.Equal("DIRECT"u8.ToArray(), destination.Received["/dst/a"]);

        destination.PutFailure = (500, "destination broke");
        await ws.SendAsync(2, "bkt/b", "x"u8.ToArray(), dstUrl: destination.Url("/dst/b"));
        var failed = await ws.ReceiveAsync(directPut: true);
        Assert.Equal("error", failed.Status);
        Assert.Contains("destination broke", failed.Message);
    }

    [Fact]
    public async Task A_malformed_control_message_closes_the_connection_with_a_protocol_error()
    {
        await using var host = await TransformerHost.StartAsync(new EchoTransformer());
        await using var ws = await WsTransformClient.ConnectAsync(host.BaseUri);
        await ws.SendTextAsync("{\"path\":\"no id\"}"u8.ToArray());
        var (status, reason) = await ws.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.ProtocolError, status);
        Assert.Contains("bad control message", reason);
    }

    [Fact]
    public async Task A_plain_get_of_ws_is_refused()
    {
        await using var host = await TransformerHost.StartAsync(new EchoTransformer());
        using var response = await host.Http.GetAsync("ws");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
