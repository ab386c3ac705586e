using System.Diagnostics;
using OrleansAis.Etl.Sdk;

namespace OrleansAis.EtlHost.Transformers;

/// <summary>
/// Runs a command per object (<c>etl-host exec -- tr a-z A-Z</c>, <c>gzip -c</c>, <c>python3 script.py</c>): the object on
/// its stdin, its stdout as the result, a non-zero exit as an error with the end of its stderr.
/// </summary>
public sealed class ExecTransformer(IReadOnlyList<string> command) : ITransformer
{
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
        var stderr = process.StandardError.ReadToEndAsync(ct);
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
        {
            var text = (await stderr).Trim();
            throw new InvalidOperationException($"'{string.Join(' ', command)}' exited with code {process.ExitCode}: {(text.Length > 500 ? text[^500..] : text)}");
        }
    }

    private static async Task FeedAsync(Stream input, Stream stdin, CancellationToken ct)
    {
        try
        {
            await input.CopyToAsync(stdin, 1 << 16, ct);
        }
        catch (IOException)
        {
            // the command stopped reading; its exit code decides
        }
        finally
        {
            await stdin.DisposeAsync();
        }
    }
}
