using System.Text;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.Cli;

/// <summary>The built <c>oais</c> against one real silo process: every command, --json output, and the exit codes.</summary>
public sealed class CliTests(SiloCluster cluster) : IClassFixture<SiloCluster>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("oais-cli-").FullName;

    private Uri Endpoint => cluster.Endpoint;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Buckets_are_created_with_properties_listed_and_removed()
    {
        var created = await OaisCli.OkAsync(Endpoint, "bucket", "create", "cli-buckets", "--prop", "team=vision", "--prop", "tier=hot", "--json");
        Assert.Equal("cli-buckets", created.Json().GetProperty("buckets")[0].GetProperty("name").GetString());

        var listed = await OaisCli.OkAsync(Endpoint, "bucket", "ls", "--json");
        var bucket = listed.Json().GetProperty("buckets").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "cli-buckets");
        Assert.Equal("vision", bucket.GetProperty("properties").GetProperty("team").GetString());
        Assert.Contains("cli-buckets", (await OaisCli.OkAsync(Endpoint, "ls")).Stdout); // ls without a bucket lists buckets

        var again = await OaisCli.RunAsync(Endpoint, "bucket", "create", "cli-buckets");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);

        await OaisCli.OkAsync(Endpoint, "bucket", "rm", "cli-buckets");
        Assert.DoesNotContain("cli-buckets", (await OaisCli.OkAsync(Endpoint, "bucket", "ls")).Stdout);
        Assert.Equal(3, (await OaisCli.RunAsync(Endpoint, "bucket", "rm", "cli-buckets")).ExitCode);
    }

    [Fact]
    public async Task A_non_empty_bucket_is_removed_only_with_force()
    {
        await OaisCli.OkAsync(Endpoint, "bucket", "create", "cli-force");
        await File.WriteAllTextAsync(Path.Combine(_work, "f.txt"), "x");
        await OaisCli.OkAsync(Endpoint, "put", Path.Combine(_work, "f.txt"), "cli-force");

        var refused = await OaisCli.RunAsync(Endpoint, "bucket", "rm", "cli-force");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not empty", refused.Stderr);
        await OaisCli.OkAsync(Endpoint, "bucket", "rm", "cli-force", "--force");
    }

    [Fact]
    public async Task A_file_put_and_got_back_is_byte_exact_and_shows_its_metadata()
    {
        await OaisCli.OkAsync(Endpoint, "bucket", "create", "cli-files");
        var original = Path.Combine(_work, "data.bin");
        await File.WriteAllBytesAsync(original, PatternStream.Bytes(3 << 20, seed: 7));

        var put = await OaisCli.OkAsync(Endpoint, "put", original, "cli-files/nested/data.bin",
            "--content-type", "application/x-test", "--meta", "camera=x100", "--json");
        var stored = put.Json().GetProperty("objects")[0];
        Assert.Equal("nested/data.bin", stored.GetProperty("name").GetString());
        Assert.Equal(3 << 20, stored.GetProperty("size").GetInt64());

        var copy = Path.Combine(_work, "copy.bin");
        await OaisCli.OkAsync(Endpoint, "get", "cli-files/nested/data.bin", copy);
        Assert.Equal(await File.ReadAllBytesAsync(original), await File.ReadAllBytesAsync(copy));

        // Without a FILE the object's last name segment lands in the working directory.
        var inFolder = await OaisCli.RunAsync(Endpoint, ["get", "cli-files/nested/data.bin"], workingDirectory: Directory.CreateDirectory(Path.Combine(_work, "cwd")).FullName);
        Assert.Equal(0, inFolder.ExitCode);
        Assert.Equal(3 << 20, new FileInfo(Path.Combine(_work, "cwd", "data.bin")).Length);

        var show = (await OaisCli.OkAsync(Endpoint, "object", "show", "cli-files/nested/data.bin", "--json")).Json();
        Assert.Equal("cli-files", show.GetProperty("bucket").GetString());
        Assert.Equal(3 << 20, show.GetProperty("size").GetInt64());
        Assert.Equal(stored.GetProperty("checksum").GetString(), show.GetProperty("checksum").GetString());
        Assert.Equal("xxhash64", show.GetProperty("checksum_type").GetString());
        Assert.Equal("application/x-test", show.GetProperty("content_type").GetString());
        Assert.Equal("x100", show.GetProperty("custom").GetProperty("camera").GetString());
        Assert.Equal(cluster.Silos[0].NodeId, show.GetProperty("node").GetString());
        Assert.Contains("custom.camera", (await OaisCli.OkAsync(Endpoint, "object", "show", "cli-files/nested/data.bin")).Stdout);
    }

    [Fact]
    public async Task A_directory_put_recursively_lists_every_relative_name_across_pages()
    {
        await OaisCli.OkAsync(Endpoint, "bucket", "create", "cli-tree");
        var tree = Path.Combine(_work, "tree");
        string[] names = ["top.txt", ".hidden", "a/one.txt", "a/b/two.txt", "a/b/c/three.txt", "z/last.txt"];
        foreach (var name in names)
        {
            var path = Path.Combine(tree, name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, "content of " + name);
        }

        var withoutR = await OaisCli.RunAsync(Endpoint, "put", tree, "cli-tree");
        Assert.Equal(2, withoutR.ExitCode);
        Assert.Contains("-r", withoutR.Stderr);

        await OaisCli.OkAsync(Endpoint, "put", "-r", tree, "cli-tree/set", "--workers", "3");
        // --page-size 2 makes the CLI follow continuation tokens through three pages.
        var listed = (await OaisCli.OkAsync(Endpoint, "ls", "cli-tree", "--page-size", "2", "--json")).Json();
        Assert.Equal(names.Select(n => "set/" + n).Order(StringComparer.Ordinal),
            listed.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        var text = (await OaisCli.OkAsync(Endpoint, "ls", "cli-tree", "--page-size", "2")).Stdout;
        Assert.All(names, n => Assert.Contains("set/" + n, text));

        var limited = (await OaisCli.OkAsync(Endpoint, "ls", "cli-tree/set/a/", "--limit", "2", "--json")).Json();
        Assert.Equal(["set/a/b/c/three.txt", "set/a/b/two.txt"], limited.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()));

        // And back: every object under a prefix into a directory, by its full name.
        var back = Path.Combine(_work, "back");
        await OaisCli.OkAsync(Endpoint, "get", "cli-tree", "--prefix", "set/a/", back);
        Assert.Equal("content of a/b/c/three.txt", await File.ReadAllTextAsync(Path.Combine(back, "set", "a", "b", "c", "three.txt")));
        Assert.Equal(3, Directory.GetFiles(back, "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task Get_to_stdout_writes_only_the_bytes_and_ranges_select_some()
    {
        await OaisCli.OkAsync(Endpoint, "bucket", "create", "cli-stdout");
        var bytes = PatternStream.Bytes(100_000, seed: 3);
        var put = await OaisCli.RunAsync(Endpoint, ["put", "-", "cli-stdout/piped.bin"], stdin: bytes);
        Assert.True(put.ExitCode == 0, put.ToString());

        Assert.Equal(bytes, (await OaisCli.OkAsync(Endpoint, "get", "cli-stdout/piped.bin", "-")).StdoutBytes);
        Assert.Equal(bytes[10..20], (await OaisCli.OkAsync(Endpoint, "get", "cli-stdout/piped.bin", "-", "--range", "10-19")).StdoutBytes);
        Assert.Equal(bytes[^5..], (await OaisCli.OkAsync(Endpoint, "get", "cli-stdout/piped.bin", "-", "--range=-5")).StdoutBytes);

        var beyond = await OaisCli.RunAsync(Endpoint, "get", "cli-stdout/piped.bin", "-", "--range", "200000-");
        Assert.Equal(1, beyond.ExitCode);
        Assert.Empty(beyond.StdoutBytes);
    }

    [Fact]
    public async Task Rm_deletes_named_objects_and_prefixes()
    {
        await OaisCli.OkAsync(Endpoint, "bucket", "create", "cli-rm");
        foreach (var name in new[] { "keep.txt", "logs/1.txt", "logs/2.txt", "logs/3.txt" })
            await OaisCli.RunAsync(Endpoint, ["put", "-", "cli-rm/" + name], stdin: Encoding.UTF8.GetBytes(name));

        await OaisCli.OkAsync(Endpoint, "rm", "cli-rm/logs/1.txt");
        Assert.Equal(3, (await OaisCli.RunAsync(Endpoint, "get", "cli-rm/logs/1.txt", "-")).ExitCode);

        var deleted = (await OaisCli.OkAsync(Endpoint, "rm", "cli-rm", "--prefix", "logs/", "--json")).Json();
        Assert.Equal(2, deleted.GetProperty("deleted").GetArrayLength());
        var left = (await OaisCli.OkAsync(Endpoint, "ls", "cli-rm", "--json")).Json().GetProperty("entries");
        Assert.Equal(["keep.txt"], left.EnumerateArray().Select(e => e.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Missing_objects_and_buckets_exit_with_3_and_the_servers_message()
    {
        await OaisCli.OkAsync(Endpoint, "bucket", "create", "cli-missing");
        var missingObject = await OaisCli.RunAsync(Endpoint, "get", "cli-missing/nope.txt", Path.Combine(_work, "nope.txt"));
        Assert.Equal(3, missingObject.ExitCode);
        Assert.Contains("nope.txt", missingObject.Stderr);
        Assert.False(File.Exists(Path.Combine(_work, "nope.txt")));

        Assert.Equal(3, (await OaisCli.RunAsync(Endpoint, "object", "show", "cli-missing/nope.txt")).ExitCode);
        Assert.Equal(3, (await OaisCli.RunAsync(Endpoint, "rm", "cli-missing/nope.txt")).ExitCode);
        Assert.Equal(3, (await OaisCli.RunAsync(Endpoint, "ls", "no-such-bucket")).ExitCode);

        await File.WriteAllTextAsync(Path.Combine(_work, "f.txt"), "x");
        var noBucket = await OaisCli.RunAsync(Endpoint, "put", Path.Combine(_work, "f.txt"), "no-such-bucket", "--json");
        Assert.Equal(3, noBucket.ExitCode);
        Assert.Equal("BucketNotFound", System.Text.Json.JsonDocument.Parse(noBucket.Stderr).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("ls", "--no-such-option")]
    [InlineData("get")]
    [InlineData("put", "only-one-argument")]
    [InlineData("put", "/definitely/not/here.txt", "bucket")]
    [InlineData("get", "bucket/a", "-", "--range", "9-1")]
    [InlineData("rm", "bucket-without-name")]
    [InlineData("put", "-", "bucket")]
    [InlineData("get", "bucket", "--workers", "0")]
    public async Task Bad_usage_exits_with_2(params string[] args)
    {
        var run = await OaisCli.RunAsync(Endpoint, args);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.NotEmpty(run.Stderr);
    }

    [Fact]
    public async Task Help_documents_the_exit_codes()
    {
        var help = await OaisCli.RunAsync(null, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Exit codes: 0 ok", help.Stdout);
        Assert.Contains("OAIS_ENDPOINT", help.Stdout);
    }

    [Fact]
    public async Task No_server_at_the_endpoint_exits_with_4()
    {
        var nobody = new Uri($"http://127.0.0.1:{FreePorts.Take(1)[0]}");
        var run = await OaisCli.RunAsync(nobody, "bucket", "ls");
        Assert.Equal(4, run.ExitCode);
        Assert.Contains("cannot reach", run.Stderr);
    }

    [Fact]
    public async Task The_endpoint_comes_from_OAIS_ENDPOINT_unless_the_option_overrides_it()
    {
        await OaisCli.OkAsync(Endpoint, "bucket", "create", "cli-env");
        var fromEnvironment = await OaisCli.RunAsync(null, ["bucket", "ls"], environment: new Dictionary<string, string> { ["OAIS_ENDPOINT"] = Endpoint.ToString() });
        Assert.Equal(0, fromEnvironment.ExitCode);
        Assert.Contains("cli-env", fromEnvironment.Stdout);

        var dead = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";
        Assert.Equal(4, (await OaisCli.RunAsync(null, ["bucket", "ls"], environment: new Dictionary<string, string> { ["OAIS_ENDPOINT"] = dead })).ExitCode);
        var overridden = await OaisCli.RunAsync(Endpoint, ["bucket", "ls"], environment: new Dictionary<string, string> { ["OAIS_ENDPOINT"] = dead });
        Assert.Equal(0, overridden.ExitCode);
    }
}
