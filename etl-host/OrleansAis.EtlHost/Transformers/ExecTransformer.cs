using System.Diagnostics;
using System.Text;
using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>
/// Runs a command per object (<c>etl-host exec -- tr a-z A-Z</c>, <c>gzip -c</c>, <c>python3 script.py</c>): the object on
/// its stdin, its stdout as the result, a non-zero exit as an error with the end of its stderr. The command sees the
/// object as OBJECT_PATH ("bucket/object") and the request's etl_args as ETL_ARGS.
/// </summary>
public sealed class ExecTransformer(IReadOnlyList<string> command) : ITransformer
{
    private const int StderrTailChars = 1000;

    public async Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1)) info.ArgumentList.Add(arg);
        info.Environment["OBJECT_PATH"] = request.Bucket + "/" + request.ObjectName;
        if (request.EtlArgs is not null) info.Environment["ETL_ARGS"] = request.EtlArgs;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start '{command[0]}'");
        var stderr = ReadTailAsync(process.StandardError, ct);
        try
        {
            var feed = FeedAsync(request.Input, process.StandardInput.BaseStream, ct);
            await process.StandardOutput.BaseStream.CopyToAsync(output, 1 << 16, ct);
            await feed;
            await process.WaitForExitAsync(ct);
        }
        catch
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{string.Join(' ', command)}' exited with code {process.ExitCode}: {(await stderr).Trim()}");
    }

    private static async Task FeedAsync(Stream input, Stream stdin, CancellationToken ct)
    {
        try
        {
            await input.CopyToAsync(stdin, 1 << 16, ct);
        }
        catch (IOException)
        {
            // the command stopped reading (closed its stdin or exited); its exit code decides
        }
        finally
        {
            try
            {
                await stdin.DisposeAsync(); // EOF for the command
            }
            catch (IOException)
            {
                // same: nobody is reading any more
            }
        }
    }

    /// <summary>The last <see cref="StderrTailChars"/> characters a command wrote to stderr (it may write a lot).</summary>
    private static async Task<string> ReadTailAsync(StreamReader stderr, CancellationToken ct)
    {
        var tail = new StringBuilder();
        var buffer = new char[4096];
        int n;
        while ((n = await stderr.ReadAsync(buffer, ct)) > 0)
        {
            tail.Append(buffer, 0, n);
            if (tail.Length > 2 * StderrTailChars) tail.Remove(0, tail.Length - StderrTailChars);
        }
        return tail.Length > StderrTailChars ? tail.ToString(tail.Length - StderrTailChars, StderrTailChars) : tail.ToString();
    }
}
