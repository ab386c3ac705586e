namespace OrleansAis.Benchmarks.Hosting;

/// <summary>
/// nginx serving a folder of files on a free loopback port: the baseline for reading (and, with the DAV module,
/// writing) files over HTTP. Configured the way one would serve static data fast (sendfile, no access log, one worker
/// per core, reuseport), and kept entirely inside <c>directory</c> (pid, logs, temp paths) so it never touches a
/// system nginx.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ChildProcess _process;

    private NginxServer(ChildProcess process, int port, string version)
    {
        _process = process;
        Url = new Uri($"http://127.0.0.1:{port}");
        Version = version;
    }

    public Uri Url { get; }

    /// <summary>The version nginx reports (e.g. "1.22.1"), for the report.</summary>
    public string Version { get; }

    /// <summary>
    /// Starts nginx serving the files under <paramref name="root"/>; its config, pid and logs go to <paramref name="directory"/>.
    /// <paramref name="acceptPuts"/> also stores <c>PUT</c> bodies as files in the root (http_dav_module).
    /// </summary>
    public static async Task<NginxServer> StartAsync(string binary, string root, string directory, CancellationToken ct, bool acceptPuts = false)
    {
        var port = FreePorts.Take(1)[0];
        var prefix = Directory.CreateDirectory(directory).FullName;
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(prefix, Path.GetFullPath(root), port, acceptPuts), ct);
        var version = await VersionOfAsync(binary, ct);
        var nginx = new NginxServer(
            ChildProcess.Start("nginx", binary, ["-p", prefix, "-c", config, "-e", Path.Combine(prefix, "error.log")], prefix), port, version);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            // Any HTTP answer (even 404 for the still empty root) means it listens.
            await Readiness.WaitAsync(nginx._process, async () =>
            {
                using var response = await http.GetAsync(nginx.Url, ct);
                return true;
            }, StartTimeout, ct);
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    public void EnsureRunning() => _process.EnsureRunning();

    /// <summary>The server's process id (nginx: its master, whose workers are its children).</summary>
    public int ProcessId => _process.Id;

    private static async Task<string> VersionOfAsync(string binary, CancellationToken ct)
    {
        var info = new System.Diagnostics.ProcessStartInfo(binary, "-v") { RedirectStandardError = true, UseShellExecute = false };
        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"could not run {binary}");
        var banner = await process.StandardError.ReadToEndAsync(ct); // "nginx version: nginx/1.22.1"
        await process.WaitForExitAsync(ct);
        return banner.Split('/', 2) is [_, var version] ? version.Trim() : banner.Trim();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    // "daemon off" keeps the master process as this harness's child, so stopping it is a signal to a known pid.
    // "reuseport" spreads the few keep-alive connections of a benchmark over all workers; without it one worker
    // tends to accept most of them and nginx ends up using one core.
    // DAV PUT (when asked for) receives the body into client_body_temp_path (here on the same disk as the root) and
    // renames it into place; nginx does not fsync it. As root, the workers must run as root to write into the root
    // folder this harness created (nginx's default worker user, nobody, may only read it).
    private static string Config(string prefix, string root, int port, bool acceptPuts) => $$"""
        daemon off;
        {{(Environment.IsPrivilegedProcess ? "user root;" : "")}}
        worker_processes auto;
        pid {{prefix}}/nginx.pid;
        error_log {{prefix}}/error.log warn;
        events { worker_connections 1024; }
        http {
            access_log off;
            sendfile on;
            tcp_nopush on;
            keepalive_requests 1000000;
            default_type application/octet-stream;
            client_body_temp_path {{prefix}}/client-body;
            proxy_temp_path {{prefix}}/proxy;
            fastcgi_temp_path {{prefix}}/fastcgi;
            uwsgi_temp_path {{prefix}}/uwsgi;
            scgi_temp_path {{prefix}}/scgi;
            server {
                listen 127.0.0.1:{{port}} reuseport;
                root {{root}};
                {{(acceptPuts ? "dav_methods PUT; create_full_put_path on; client_max_body_size 64m;" : "")}}
            }
        }
        """;
}
