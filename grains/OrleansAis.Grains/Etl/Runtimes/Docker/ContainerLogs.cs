using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace OrleansAis.Etl.Runtimes;

/// <summary>The last lines a container wrote to stdout and stderr, as the engine keeps them.</summary>
internal static class ContainerLogs
{
    public static async Task<string> TailAsync(DockerClient client, string id, string name, int lines, CancellationToken ct)
    {
        try
        {
            using var stream = await client.Containers.GetContainerLogsAsync(id, new ContainerLogsParameters
            {
                ShowStdout = true, ShowStderr = true, Tail = Math.Max(0, lines).ToString(),
            }, ct);
            // Frames come in the order they were written; keep that order across stdout and stderr.
            var text = new StringBuilder();
            var buffer = new byte[16 * 1024];
            var decoder = Encoding.UTF8.GetDecoder();
            var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
                if (read.EOF) break;
                var n = decoder.GetChars(buffer, 0, read.Count, chars, 0);
                text.Append(chars, 0, n);
            }
            return text.ToString().TrimEnd('\n');
        }
        catch (Exception e) when (e is DockerContainerNotFoundException or DockerApiException { StatusCode: HttpStatusCode.NotFound or HttpStatusCode.Conflict })
        {
            // Not found, or already dead and being removed: its logs went with it.
            return $"(container {name} is gone)";
        }
    }
}
