using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansAis.Benchmarks.Harness;

/// <summary>
/// wrk, a load generator in C, as a second opinion on HTTP GET throughput: it needs far less CPU per request than the
/// C# loop, which matters when client and server share two cores. Same workers, warm-up and duration as the loop.
/// </summary>
public sealed partial class WrkLoad(string binary)
{
    /// <summary>The wrk binary named on the command line, if it can be found (wrk is optional).</summary>
    public static WrkLoad? Find(string binary)
    {
        var path = Path.IsPathRooted(binary)
            ? binary
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, binary)).FirstOrDefault(File.Exists);
        return path is not null && File.Exists(path) ? new WrkLoad(path) : null;
    }

    /// <summary>
    /// GETs random URLs from <paramref name="urls"/> (one server) for the warm-up, then measures for the duration;
    /// the CPU time of process <paramref name="serverPid"/> (and its children) is measured over the measured run.
    /// </summary>
    public async Task<Measurement> RunAsync(IReadOnlyList<Uri> urls, long bytesPerResponse, LoadSettings load, int serverPid, string scratch,
        CancellationToken ct)
    {
        var script = Path.Combine(scratch, $"wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, RandomPathsScript(urls), ct);
        var server = new Uri(urls[0].GetLeftPart(UriPartial.Authority));
        await RunWrkAsync(server, script, load.Workers, load.Warmup, ct);
        var cpuAtStart = ProcessTreeCpu.Of(serverPid);
        var output = await RunWrkAsync(server, script, load.Workers, load.Duration, ct);
        var cpu = ProcessTreeCpu.Of(serverPid) - cpuAtStart;
        var requestsPerSecond = Number(RequestsPerSecond(), output);
        return new Measurement(requestsPerSecond, requestsPerSecond * bytesPerResponse / (1024.0 * 1024.0),
            Latency("50%", output), Latency("99%", output), Errors(output), cpu / Math.Max(1, requestsPerSecond * load.Duration.TotalSeconds));
    }

    private async Task<string> RunWrkAsync(Uri server, string script, int connections, TimeSpan duration, CancellationToken ct)
    {
        var threads = Math.Min(connections, Environment.ProcessorCount);
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     "-t", $"{threads}", "-c", $"{connections}", "-d", $"{Math.Max(1, (int)duration.TotalSeconds)}s",
                     "--latency", "-s", script, server.ToString(),
                 })
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not run {binary}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return process.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {await stderr}");
    }

    private static string RandomPathsScript(IReadOnlyList<Uri> urls) => $$"""
        local paths = { {{string.Join(", ", urls.Select(u => $"\"{u.PathAndQuery}\""))}} }
        request = function() return wrk.format("GET", paths[math.random(#paths)]) end
        """;

    private static double Number(Regex pattern, string output) =>
        pattern.Match(output) is { Success: true } m
            ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new FormatException($"unexpected wrk output:\n{output}");

    // wrk prints these lines only when there were such failures.
    private static long Errors(string output) =>
        NonSuccess().Matches(output).Concat(SocketErrors().Matches(output))
            .SelectMany(m => m.Groups.Values.Skip(1)).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture));

    // "    99%   12.34ms" (units us, ms or s)
    private static TimeSpan Latency(string percentile, string output)
    {
        var m = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!m.Success) throw new FormatException($"no {percentile} latency in wrk output:\n{output}");
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "us" => TimeSpan.FromMicroseconds(value),
            "ms" => TimeSpan.FromMilliseconds(value),
            _ => TimeSpan.FromSeconds(value),
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
