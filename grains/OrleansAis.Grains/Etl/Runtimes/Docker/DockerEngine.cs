using System.Net;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace OrleansAis.Etl.Runtimes;

/// <summary>
/// This node's Docker engine as the runtime, its containers and their execs use it: one client, calls whose failure to
/// connect becomes an error naming the endpoint, and forced removal that does not mind a container already gone.
/// </summary>
internal sealed partial class DockerEngine : IDisposable
{
    private readonly string _endpoint;

    public DockerEngine(string? endpoint)
    {
        Client = CreateClient(endpoint);
        _endpoint = endpoint ?? Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
    }

    public DockerClient Client { get; }

    /// <summary>A client for <paramref name="endpoint"/>, or for DOCKER_HOST / the default socket when null (like the CLI).</summary>
    public static DockerClient CreateClient(string? endpoint) => string.IsNullOrWhiteSpace(endpoint)
        ? new DockerClientBuilder().Build()
        : new DockerClientBuilder().WithEndpoint(new Uri(endpoint)).Build();

    /// <summary>Turns "the engine does not answer" into an error naming the endpoint.</summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException e)
        {
            throw new OaisException(OaisErrorCode.Unavailable, $"the Docker engine at {_endpoint} does not answer: {e.Message}");
        }
        catch (TimeoutException e)
        {
            throw new OaisException(OaisErrorCode.Unavailable, $"the Docker engine at {_endpoint} does not answer: {e.Message}");
        }
    }

    public Task CallAsync(Func<Task> call) => CallAsync(async () => { await call(); return true; });

    public async Task RemoveQuietlyAsync(string idOrName, CancellationToken ct)
    {
        try
        {
            await Client.Containers.RemoveContainerAsync(idOrName, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    /// <summary>The engine's own sentence from an error answer (its JSON "message"), else the body or the exception's message.</summary>
    public static string ApiMessage(DockerApiException e)
    {
        var body = e.ResponseBody?.Trim() ?? "";
        var match = MessageField().Match(body);
        return match.Success ? Regex.Unescape(match.Groups[1].Value) : body.Length > 0 ? body : e.Message;
    }

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex MessageField();
}
