using System.Security.Cryptography;
using OrleansAis.EtlHost.Transformers;

namespace OrleansAis.EtlHost.Tests;

/// <summary>fqn mode: the transformer reads the object from a local path (<c>etl_fqn</c>) instead of receiving it.</summary>
[Trait("Category", "Fast")]
public sealed class FqnTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oais-fqn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteObject(string name, byte[] body)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, body);
        return path;
    }

    [Fact]
    public async Task A_push_with_etl_fqn_and_no_body_transforms_the_file()
    {
        var body = RandomNumberGenerator.GetBytes(300_000);
        var fqn = WriteObject("obj 1.bin", body);
        await using var host = await TransformerHost.StartAsync(new HashTransformer(HashTransformer.Sha256));
        using var response = await host.Http.PutAsync($"bkt/obj?etl_fqn={Uri.EscapeDataString(fqn)}", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_pull_with_etl_fqn_reads_the_file_instead_of_asking_the_silo()
    {
        var fqn = WriteObject("obj.txt", "from disk"u8.ToArray());
        // No AIS_TARGET_URL at all: the file is the only source.
        await using var host = await TransformerHost.StartAsync(new UpperTransformer());
        Assert.Equal("FROM DISK", await host.Http.GetStringAsync($"bkt/obj.txt?etl_fqn={Uri.EscapeDataString(fqn)}"));
    }

    [Fact]
    public async Task The_transformer_sees_the_path_it_read()
    {
        var fqn = WriteObject("seen.txt", "x"u8.ToArray());
        await using var host = await TransformerHost.StartAsync(new RequestEchoTransformer());
        Assert.Equal($"bkt|seen.txt|a|{fqn}", await host.Http.GetStringAsync($"bkt/seen.txt?etl_args=a&etl_fqn={Uri.EscapeDataString(fqn)}"));
    }

    [Fact]
    public async Task A_missing_file_is_a_404_and_a_relative_path_a_400()
    {
        await using var host = await TransformerHost.StartAsync(new EchoTransformer());
        using var missing = await host.Http.GetAsync($"bkt/o?etl_fqn={Uri.EscapeDataString(Path.Combine(_dir, "nope"))}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var relative = await host.Http.GetAsync("bkt/o?etl_fqn=relative/path");
        Assert.Equal(HttpStatusCode.BadRequest, relative.StatusCode);
        Assert.Contains("absolute path", await relative.Content.ReadAsStringAsync());
    }
}
