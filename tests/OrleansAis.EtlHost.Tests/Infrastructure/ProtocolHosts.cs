using System.Diagnostics;

namespace OrleansAis.EtlHost.Tests.Infrastructure;

/// <summary>
/// The transformer hosts that must speak one wire contract, each run as a real process with its built-in transformers:
/// "csharp" (etl-host.dll), "python" (python3 -m oais_etl, streaming transforms where the built-in streams) and
/// "python-bytes" (the same, with echo through the bytes API, transform(data, path, args)).
/// </summary>
public static class ProtocolHosts
{
    public const string CSharp = "csharp";
    public const string Python = "python";
    public const string PythonBytes = "python-bytes";

    public static TheoryData<string> All => new() { CSharp, Python, PythonBytes };

    /// <summary>The Python package and test transformers copied next to the tests (see the csproj).</summary>
    public static string PythonPath => Path.Combine(AppContext.BaseDirectory, "python");

    public static bool IsPython(string host) => host != CSharp;

    /// <summary>The command running built-in <paramref name="builtin"/> on <paramref name="host"/> (skips when python3 is missing).</summary>
    public static ProcessStartInfo StartInfo(string host, string builtin, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        if (!IsPython(host)) return EtlHostProcess.StartInfo([builtin, .. args], env);
        PythonRequirement.SkipUnlessAvailable();
        if (host == PythonBytes && builtin == "echo") builtin = "echo-bytes";
        return PythonStartInfo(["-m", "oais_etl", builtin, .. args], env);
    }

    /// <summary>python3 with the SDK importable; <paramref name="args"/> follow the interpreter.</summary>
    public static ProcessStartInfo PythonStartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(PythonRequirement.Interpreter)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["PYTHONPATH"] = PythonPath;
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var (name, value) in env ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return info;
    }

    /// <summary>Serves <paramref name="builtin"/> on a free port until disposed.</summary>
    public static Task<EtlHostServer> StartAsync(string host, string builtin, IReadOnlyDictionary<string, string>? env = null)
    {
        var port = EtlHostProcess.FreePort();
        return EtlHostServer.StartAsync(StartInfo(host, builtin, ["--port", port.ToString(), "--max-concurrency", "4"], env), port);
    }

    /// <summary>io://: runs <paramref name="builtin"/> once with <c>--stdio</c>.</summary>
    public static Task<(int ExitCode, byte[] Stdout, string Stderr)> RunStdioAsync(string host, string builtin, byte[] stdin, IReadOnlyDictionary<string, string>? env = null) =>
        EtlHostProcess.RunAsync(StartInfo(host, builtin, ["--stdio"], env), stdin);
}
