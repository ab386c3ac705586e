using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;

namespace OrleansAis.EtlHost.Tests;

/// <summary>The Python examples in etl-host/python/examples, each served by the SDK as a real process.</summary>
public sealed class PythonExampleTests
{
    private static string Example(string file) => Path.Combine(ProtocolHosts.PythonPath, "examples", file);

    private static Task<EtlHostServer> ServeAsync(string file)
    {
        PythonRequirement.SkipUnlessAvailable();
        var port = EtlHostProcess.FreePort();
        return EtlHostServer.StartAsync(ProtocolHosts.PythonStartInfo([Example(file), "--port", port.ToString()]), port);
    }

    private static async Task<(HttpStatusCode Status, byte[] Body)> PushAsync(EtlHostServer server, string path, byte[] body, string? args = null)
    {
        using var response = await server.Http.PutAsync(TransformerHost.WithArgs(path, args), new ByteArrayContent(body));
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    [SkippableFact]
    public async Task Md5_is_the_hex_digest_over_http_ws_and_stdio()
    {
        var body = RandomNumberGenerator.GetBytes(3 << 20);
        var expected = Convert.ToHexStringLower(MD5.HashData(body));
        await using var server = await ServeAsync("md5.py");
        Assert.Equal((HttpStatusCode.OK, expected), await PushAsync(server, "bkt/o", body) is var r ? (r.Status, Encoding.ASCII.GetString(r.Body)) : default);
        await using var ws = await WsTransformClient.ConnectAsync(server.BaseUri);
        var sending = ws.SendAsync(1, "bkt/o", body);
        Assert.Equal(expected, (await ws.ReceiveAsync()).Text);
        await sending;
        var (exit, stdout, stderr) = await EtlHostProcess.RunAsync(ProtocolHosts.PythonStartInfo([Example("md5.py"), "--stdio"]), body);
        Assert.True(exit == 0, stderr);
        Assert.Equal(expected, Encoding.ASCII.GetString(stdout));
    }

    [SkippableFact]
    public async Task Hash_with_args_picks_the_algorithm_and_seed_and_refuses_others_with_a_400()
    {
        var body = RandomNumberGenerator.GetBytes(100_000);
        await using var server = await ServeAsync("hash_with_args.py");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), Encoding.ASCII.GetString((await PushAsync(server, "b/o", body)).Body));
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(body)), Encoding.ASCII.GetString((await PushAsync(server, "b/o", body, "sha1")).Body));
        var seeded = Convert.ToHexStringLower(SHA512.HashData([.. "42"u8, .. body]));
        Assert.Equal(seeded, Encoding.ASCII.GetString((await PushAsync(server, "b/o", body, "sha512:42")).Body));
        var (status, message) = await PushAsync(server, "b/o", body, "crc99");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("etl_args must be ALGORITHM or ALGORITHM:SEED", Encoding.UTF8.GetString(message));
        Assert.Contains("not 'crc99'", Encoding.UTF8.GetString(message));
    }

    [SkippableFact]
    public async Task The_tar_shard_transformer_applies_the_sample_function_to_every_sample()
    {
        var images = Enumerable.Range(0, 50).Select(i => RandomNumberGenerator.GetBytes(20_000 + i)).ToArray();
        var shard = new MemoryStream();
        using (var tar = new TarWriter(shard, TarEntryFormat.Pax, leaveOpen: true))
        {
            for (var i = 0; i < images.Length; i++)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"train/{i:D3}.jpg") { DataStream = new MemoryStream(images[i]) });
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"train/{i:D3}.cls") { DataStream = new MemoryStream(Encoding.ASCII.GetBytes($"{i % 7}\n")) });
            }
        }
        await using var server = await ServeAsync("tar_shard.py");
        await using var ws = await WsTransformClient.ConnectAsync(server.BaseUri);
        var sending = ws.SendAsync(1, "shards/shard-000.tar", shard.ToArray(), etlArgs: "drop=cls");
        var result = await ws.ReceiveAsync();
        await sending;
        Assert.True(result.Status == "ok", result.Message);

        var entries = new Dictionary<string, byte[]>();
        using (var reader = new TarReader(new MemoryStream(result.Body!)))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                entries[entry.Name] = data.ToArray();
            }
        }
        Assert.Equal(images.Length * 2, entries.Count); // .jpg kept, .cls dropped, .json added
        for (var i = 0; i < images.Length; i++)
        {
            Assert.Equal(images[i], entries[$"train/{i:D3}.jpg"]);
            using var meta = JsonDocument.Parse(entries[$"train/{i:D3}.json"]);
            Assert.Equal($"train/{i:D3}", meta.RootElement.GetProperty("key").GetString());
            Assert.Equal(i % 7, meta.RootElement.GetProperty("label").GetInt32());
            Assert.Equal(images[i].Length, meta.RootElement.GetProperty("files").GetProperty("jpg").GetInt32());
        }

        var (status, message) = await PushAsync(server, "shards/not-a.tar", "plain text, not a tar"u8.ToArray());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("shards/not-a.tar is not a tar shard", Encoding.UTF8.GetString(message));
    }

    [SkippableFact]
    public async Task Resize_fits_an_image_within_the_requested_box()
    {
        PythonRequirement.SkipUnlessAvailable();
        if (!PillowAvailable())
        {
            // .ci/run installs python3-pil, so in CI its absence is a failure like a missing python3.
            const string reason = "has no Pillow (Debian: apt-get install python3-pil; OAIS_PYTHON=/usr/bin/python3 to use Debian's python3)";
            if (PythonRequirement.Required) throw new InvalidOperationException($"{PythonRequirement.Interpreter} {reason}");
            Skip.If(true, $"resize example skipped: {PythonRequirement.Interpreter} {reason}");
        }
        var png = await PythonOutputAsync("import io,sys\nfrom PIL import Image\nb=io.BytesIO()\nImage.new('RGB',(640,480),(200,10,10)).save(b,'PNG')\nsys.stdout.buffer.write(b.getvalue())");
        await using var server = await ServeAsync("resize.py");
        var (status, body) = await PushAsync(server, "photos/red.png", png, "100x100");
        Assert.Equal(HttpStatusCode.OK, status);
        // PNG: the IHDR chunk holds width and height (big-endian) at bytes 16..24.
        Assert.Equal((100, 75), (ReadBigEndian(body, 16), ReadBigEndian(body, 20)));
        var (badStatus, message) = await PushAsync(server, "photos/red.png", png, "huge");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("etl_args must be WxH", Encoding.UTF8.GetString(message));
    }

    private static int ReadBigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];

    private static bool PillowAvailable()
    {
        using var process = Process.Start(ProtocolHosts.PythonStartInfo(["-c", "import PIL"]))!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static async Task<byte[]> PythonOutputAsync(string code)
    {
        var (exit, stdout, stderr) = await EtlHostProcess.RunAsync(ProtocolHosts.PythonStartInfo(["-c", code]), []);
        Assert.True(exit == 0, stderr);
        return stdout;
    }
}
