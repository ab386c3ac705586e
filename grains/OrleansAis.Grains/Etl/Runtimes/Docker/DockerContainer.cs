using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace OrleansAis.Etl.Runtimes;

/// <summary>
/// One transformer container: watches for its exit, shows its logs, runs io:// objects through <see cref="DockerExec"/>,
/// and stops and removes it when the node is done with it.
/// </summary>
internal sealed partial class DockerContainer : ITransformerInstance
{
    private readonly DockerEngine _engine;
    private readonly TransformerLaunch _launch;
    private readonly string _id;
    private readonly string _name;
    /// <summary>io:// only: the per-object commands; null for a server.</summary>
    private readonly DockerExec? _exec;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _disposed = new();
    private int _disposing;

    public DockerContainer(DockerEngine engine, TransformerLaunch launch, string id, string name, DockerExec? exec, ILogger log)
    {
        _engine = engine;
        _launch = launch;
        _id = id;
        _name = name;
        _exec = exec;
        _log = log;
        Exited = WatchAsync();
    }

    private DockerClient Client => _engine.Client;

    public Task<string> Exited { get; }

    /// <summary>Completes when the container stops (never faults): its exit code, and whether the memory limit killed it.</summary>
    private async Task<string> WatchAsync()
    {
        await Task.Yield();
        while (true)
        {
            try
            {
                await Client.Containers.WaitContainerAsync(_id, _disposed.Token);
                break;
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                return $"container {_name} was stopped by the node";
            }
            catch (Exception e) when (e is DockerContainerNotFoundException or DockerApiException { StatusCode: HttpStatusCode.NotFound })
            {
                return $"container {_name} was removed";
            }
            catch (Exception e)
            {
                // A client-side timeout on a long wait is not an exit: look, and keep waiting while it runs.
                try
                {
                    var state = (await Client.Containers.InspectContainerAsync(_id, _disposed.Token)).State;
                    if (state is { Running: true } or { Restarting: true } or { Paused: true }) continue;
                    break;
                }
                catch (Exception) when (_disposed.IsCancellationRequested)
                {
                    return $"container {_name} was stopped by the node";
                }
                catch (Exception inspect)
                {
                    return $"lost container {_name}: the Docker engine does not answer ({e.Message}; {inspect.Message})";
                }
            }
        }
        try
        {
            if ((await Client.Containers.InspectContainerAsync(_id, CancellationToken.None)).State is not { } state)
                return $"container {_name} stopped";
            var reason = new StringBuilder($"container {_name} exited with code {state.ExitCode}");
            if (state.OOMKilled)
                reason.Append(_launch.Spec.Resources.MemoryBytes is { } limit
                    ? $" (OOM-killed: over its memory limit of {limit} bytes)"
                    : " (OOM-killed)");
            if (!string.IsNullOrEmpty(state.Error)) reason.Append(": ").Append(state.Error);
            return reason.ToString();
        }
        catch (Exception e)
        {
            return $"container {_name} stopped ({e.Message})";
        }
    }

    public async Task<string> LogsAsync(int lines, CancellationToken ct)
    {
        var container = await ContainerLogs.TailAsync(Client, _id, _name, lines, ct);
        if (_exec is null) return container;
        // io://: the container itself only sleeps; what the per-object commands wrote to stderr is the interesting part.
        var exec = _exec.Logs.Tail(lines);
        return container.Length == 0 ? exec : exec.Length == 0 ? container : container + "\n" + exec;
    }

    public Task RunOnceAsync(Stream input, Stream output, IReadOnlyDictionary<string, string> env, CancellationToken ct) =>
        _exec is null
            ? throw new NotSupportedException($"ETL '{_launch.Spec.Name}' runs a server ({_launch.Spec.Communication.ToScheme()}), not per-object commands")
            : _exec.RunAsync(input, output, env, ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) == 1) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            // A server gets SIGTERM and a moment to finish; the idle io:// container has nothing to finish.
            if (_exec is null)
            {
                try
                {
                    await Client.Containers.StopContainerAsync(_id, new ContainerStopParameters { WaitBeforeKillSeconds = 3 }, timeout.Token);
                }
                catch (Exception e) when (e is DockerContainerNotFoundException or DockerApiException)
                {
                }
            }
            await _engine.RemoveQuietlyAsync(_id, timeout.Token);
            Removed(_name);
        }
        catch (Exception e)
        {
            CouldNotRemove(e, _name);
        }
        finally
        {
            _disposed.Cancel();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed transformer container {Name}")]
    private partial void Removed(string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove transformer container {Name}; the next orphan sweep will")]
    private partial void CouldNotRemove(Exception e, string name);
}
