using OrleansAis.EndToEnd.Tests.Infrastructure;

namespace OrleansAis.EndToEnd.Tests.Cli;

/// <summary><c>oais cp</c>: a server-side copy through the AIS copy action.</summary>
public sealed class CliCopyTests(SiloCluster cluster) : IClassFixture<SiloCluster>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("oais-cli-cp-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Cp_copies_an_object_to_another_bucket_keeping_or_renaming_it()
    {
        var endpoint = cluster.Endpoint;
        await OaisCli.OkAsync(endpoint, "bucket", "create", "cp-from");
        await OaisCli.OkAsync(endpoint, "bucket", "create", "cp-to");
        var file = Path.Combine(_work, "f.txt");
        await File.WriteAllTextAsync(file, "copy me");
        await OaisCli.OkAsync(endpoint, "put", file, "cp-from/dir/f.txt");

        var renamed = await OaisCli.OkAsync(endpoint, "cp", "cp-from/dir/f.txt", "cp-to/g.txt", "--json");
        Assert.Equal("g.txt", renamed.Json().GetProperty("name").GetString());
        await OaisCli.OkAsync(endpoint, "cp", "cp-from/dir/f.txt", "cp-to");

        var back = Path.Combine(_work, "back.txt");
        await OaisCli.OkAsync(endpoint, "get", "cp-to/dir/f.txt", back);
        Assert.Equal("copy me", await File.ReadAllTextAsync(back));
        var missing = await OaisCli.RunAsync(endpoint, "cp", "cp-from/nope", "cp-to");
        Assert.Equal(3, missing.ExitCode);
    }
}
