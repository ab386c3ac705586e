using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>
/// The README's ETL quick start (and docs/ETL.md's), taken from the file itself and run line by line in bash against a silo started the way
/// the README starts it: the built silo with no command-line flags, in a fresh folder (its <c>./data</c>), Etl:Runtime
/// left at auto. The one difference is the ports: the README's 8080/30000/11111 may be taken on a shared machine, so
/// they come from OAIS_Silo__* environment variables (the README's Configuration section) and the commands'
/// <c>localhost:8080</c> is rewritten to the port used, as ReadmeSnippetTests does with the gateway port.
/// </summary>
public sealed partial class ReadmeEtlTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private readonly string _work = Directory.CreateTempSubdirectory("oais-readme-etl-").FullName;
    private readonly StringBuilder _siloOutput = new();
    private Process? _silo;
    private int _httpPort;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var ports = FreePorts.Take(3);
        _httpPort = ports[0];
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _work, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.ArgumentList.Add(RepoPaths.BuiltAssembly("silo/OrleansAis.Silo", "OrleansAis.Silo"));
        info.Environment["OAIS_Silo__HttpPort"] = ports[0].ToString();
        info.Environment["OAIS_Silo__GatewayPort"] = ports[1].ToString();
        info.Environment["OAIS_Silo__SiloPort"] = ports[2].ToString();
        // Nothing may tell the silo where etl-host is: it must find the copy the build put next to it.
        info.Environment.Remove("OAIS_Etl__EtlHostCommand");
        info.Environment.Remove("Etl__EtlHostCommand");
        _silo = Process.Start(info)!;
        RunRegistry.Track(_silo);
        _silo.OutputDataReceived += (_, e) => { lock (_siloOutput) _siloOutput.AppendLine(e.Data); };
        _silo.ErrorDataReceived += (_, e) => { lock (_siloOutput) _siloOutput.AppendLine(e.Data); };
        _silo.BeginOutputReadLine();
        _silo.BeginErrorReadLine();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        await Waiting.WaitUntil(async () =>
        {
            Assert.False(_silo.HasExited, "the silo exited:\n" + SiloOutput);
            try
            {
                using var health = await _http.GetAsync("v1/health");
                return health.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false; // not listening yet
            }
        }, Deadline, () => "the silo did not become healthy:\n" + SiloOutput, TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task The_readme_etl_commands_work_as_written()
    {
        var blocks = EtlSectionBlocks();
        Assert.Equal(2, blocks.Count); // curl, then the CLI: if the README changes shape, this test must be revisited

        var curl = blocks[0];
        Assert.Contains(curl, line => line.Contains("/v1/etl -d"));
        string? inline = null;
        foreach (var line in curl)
        {
            var output = await BashAsync(line);
            if (line.Contains("etl_name=upper-case")) inline = output;
        }
        Assert.Equal("HELLO WORLD", inline);
        Assert.Equal("HELLO WORLD", await WaitForObjectAsync("shouted/greeting.txt"));

        var cli = blocks[1];
        var cliInline = "";
        foreach (var line in cli)
        {
            var output = await BashAsync(line);
            if (line.Contains("etl object")) cliInline = output;
        }
        Assert.Equal("HELLO WORLD", cliInline.Trim());
        Assert.Equal("HELLO WORLD", await WaitForObjectAsync("shouted-cli/greeting.txt"));

        // It ran where the README says it would on this machine: the built-in host next to the silo, or Docker.
        Assert.True(SiloOutput.Contains("ETL transformers run as local processes") || SiloOutput.Contains("ETL transformers run as Docker containers"), SiloOutput);
    }

    [Fact]
    public async Task The_etl_guides_quick_start_works_as_written()
    {
        var blocks = SectionBlocks("docs/ETL.md", "## Quick start");
        var curl = Assert.Single(blocks, b => b.Any(line => line.Contains("/v1/etl -d")));
        string? inline = null;
        foreach (var line in curl)
        {
            var output = await BashAsync(line);
            if (line.Contains("etl_name=")) inline = output;
        }
        Assert.Equal("HELLO WORLD", inline);
    }

    /// <summary>The command lines of each bash block in the README's ETL section (comments and blank lines dropped).</summary>
    private static List<List<string>> EtlSectionBlocks() => SectionBlocks("README.md", "## Transform data where it lives (ETL)");

    private static List<List<string>> SectionBlocks(string file, string heading)
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, file));
        var start = readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{file} has no section '{heading}'");
        var end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return BashBlock().Matches(section)
            .Select(m => m.Groups[1].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList())
            .ToList();
    }

    /// <summary>
    /// One README line in bash, with the README's port swapped for this silo's and <c>oais</c> being the built CLI (the
    /// README's alias runs the same program through <c>dotnet run</c>). Fails with the output on a non-zero exit.
    /// </summary>
    private async Task<string> BashAsync(string line)
    {
        var command = line.Replace("localhost:8080", $"localhost:{_httpPort}");
        var cli = RepoPaths.BuiltAssembly("client/OrleansAis.Cli", "oais");
        var info = new ProcessStartInfo("bash") { WorkingDirectory = _work, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"oais() {{ dotnet '{cli}' \"$@\"; }}\n{command}");
        info.Environment["OAIS_ENDPOINT"] = $"http://localhost:{_httpPort}";
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(Deadline);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // only what this command started
            throw new TimeoutException($"`{line}` did not finish within {Deadline}");
        }
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"`{line}` exited with {process.ExitCode}: {output}{await stderr}\nsilo:\n{SiloOutput}");
        // curl exits 0 on an HTTP error too; the API answers every error as {"error":{"code":..,"message":..}}.
        Assert.DoesNotContain("\"error\":{", output);
        return output;
    }

    private async Task<string> WaitForObjectAsync(string path)
    {
        var (status, body) = await Waiting.WaitUntil(async () =>
            {
                using var response = await _http.GetAsync($"v1/objects/{path}");
                return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null);
            }, r => r.StatusCode == HttpStatusCode.OK, Deadline,
            r => $"{path} did not appear: {(int)r.StatusCode}\nsilo:\n{SiloOutput}", TimeSpan.FromMilliseconds(200));
        return body!;
    }

    private string SiloOutput
    {
        get { lock (_siloOutput) return _siloOutput.ToString(); }
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            // The ETLs go first and the silo stops gracefully, so a Docker silo removes its containers too.
            try
            {
                using var list = JsonDocument.Parse(await _http.GetStringAsync("v1/etl"));
                foreach (var etl in list.RootElement.GetProperty("etls").EnumerateArray())
                    using (await _http.DeleteAsync($"v1/etl/{etl.GetProperty("name").GetString()}")) { }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                // the silo is gone already; killing it below is all that is left
            }
            if (!_silo.HasExited) Posix.Terminate(_silo.Id);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _silo.WaitForExitAsync(grace.Token); }
            catch (OperationCanceledException) { _silo.Kill(entireProcessTree: true); await _silo.WaitForExitAsync(); }
            RunRegistry.Forget(_silo);
            _silo.Dispose();
        }
        _http.Dispose();
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { /* a transformer's last write may race the delete; the temp folder is the OS's to clean */ }
    }

    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
