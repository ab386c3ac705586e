using System.Diagnostics;
using System.Text;
using System.Net.Sockets;
using OrleansAis.Testing;

namespace OrleansAis.EtlHost.Tests.Infrastructure;

/// <summary>The built etl-host (copied next to the tests) run as a real process.</summary>
public static class EtlHostProcess
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "etl-host.dll");

    /// <summary>`dotnet test` tells its children where dotnet is; outside of it, dotnet is on PATH.</summary>
    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in env ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return info;
    }

    /// <summary>Runs to the end with <paramref name="stdin"/> as input.</summary>
    public static Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(IEnumerable<string> args, byte[] stdin, IReadOnlyDictionary<string, string>? env = null) =>
        RunAsync(StartInfo(args, env), stdin);

    /// <summary>Runs any transformer command (stdin, stdout and stderr redirected) to the end with <paramref name="stdin"/> as input.</summary>
    public static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(ProcessStartInfo info, byte[] stdin)
    {
        using var process = Process.Start(info)!;
        RunRegistry.Track(process);
        try
        {
            return await WaitAsync(process, stdin);
        }
        finally
        {
            RunRegistry.Forget(process);
        }
    }

    private static async Task<(int ExitCode, byte[] Stdout, string Stderr)> WaitAsync(Process process, byte[] stdin)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = new MemoryStream();
        var reading = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, timeout.Token);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // it exited without reading everything (a usage error); its exit code tells
        }
        await reading;
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, stdout.ToArray(), await stderr);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>etl-host serving on a port as a child process; killed on dispose.</summary>
public sealed class EtlHostServer : IAsyncDisposable
{
    private readonly Process _process;

    private readonly StringBuilder _output;

    private EtlHostServer(Process process, Uri baseUri, StringBuilder output)
    {
        _process = process;
        _output = output;
        BaseUri = baseUri;
        Http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUri { get; }
    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the server printed so far (stdout and stderr).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts it and waits for /health (the port comes from <paramref name="port"/>: via --port or PORT).</summary>
    public static Task<EtlHostServer> StartAsync(IEnumerable<string> args, int port, IReadOnlyDictionary<string, string>? env = null) =>
        StartAsync(EtlHostProcess.StartInfo(args, env), port);

    /// <summary>Starts any transformer server command and waits for /health on <paramref name="port"/>.</summary>
    public static async Task<EtlHostServer> StartAsync(ProcessStartInfo info, int port)
    {
        info.RedirectStandardInput = false;
        var output = new StringBuilder();
        var process = Process.Start(info)!;
        RunRegistry.Track(process);
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new EtlHostServer(process, new Uri($"http://127.0.0.1:{port}/"), output);
        try
        {
            await Waiting.WaitUntil(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"{info.FileName} exited ({process.ExitCode}) before it was healthy on port {port}; its output:\n{server.Output}");
                try
                {
                    using var health = await server.Http.GetAsync("health");
                    return health.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false; // not listening yet
                }
            }, TimeSpan.FromSeconds(30), () => $"{info.FileName} did not become healthy on port {port}; its output:\n{server.Output}", TimeSpan.FromMilliseconds(100));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        RunRegistry.Forget(_process);
        _process.Dispose();
    }
}
