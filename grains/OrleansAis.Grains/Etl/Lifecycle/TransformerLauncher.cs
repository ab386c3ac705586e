using Microsoft.Extensions.Logging;
using OrleansAis.Etl.Endpoints;
using OrleansAis.Etl.Protocol;
using OrleansAis.Etl.Runtimes;

namespace OrleansAis.Etl.Lifecycle;

/// <summary>
/// Starts one transformer and waits, within init_timeout, until its <c>/health</c> answers: on the port it reported
/// when it is one of our hosts (it bound port 0, so the port cannot have been taken), else on the port it was handed.
/// A handed port can be taken by another process before the transformer binds it; a transformer that exits saying so
/// is started again on another port, up to <see cref="PortAttempts"/> ports.
/// </summary>
public sealed partial class TransformerLauncher(IEtlRuntime runtime, TransformerPorts ports, IoProbe ioProbe, ILogger<TransformerLauncher> log)
{
    /// <summary>How many ports a transformer that must be handed one is tried on before a bind conflict fails its start.</summary>
    public const int PortAttempts = 3;

    private static readonly HttpClient Health = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>
    /// Starts the transformer of <paramref name="etl"/> (setting <see cref="RunningEtl.Instance"/>, which the caller
    /// disposes on failure) and returns the TCP port it is healthy on; for io:// the port it was handed.
    /// </summary>
    internal async Task<int> LaunchAsync(RunningEtl etl, TransformerLaunch offer, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + etl.Spec.InitTimeout;
        var reports = offer.ServesHttp && TransformerPorts.ReportedBy(etl.Spec);
        for (var attempt = 1; ; attempt++)
        {
            var launch = reports ? offer : offer with { Port = ports.Candidate() };
            var instance = await runtime.StartAsync(launch, ct);
            etl.Instance = instance;
            if (!launch.ServesHttp)
            {
                await ioProbe.RunAsync(etl.Spec, instance, ct);
                return launch.Port;
            }
            if (await WaitHealthyAsync(launch, instance, reports, deadline, mayRetry: !reports && attempt < PortAttempts, ct) is { } port)
                return port;
            PortTaken(etl.Spec.Name, launch.Port, attempt);
            etl.Instance = null;
            await instance.DisposeAsync();
        }
    }

    /// <summary>The port /health answered on; null when the transformer exited because its port was taken and may get another.</summary>
    private static async Task<int?> WaitHealthyAsync(TransformerLaunch launch, ITransformerInstance instance, bool reports, DateTime deadline,
        bool mayRetry, CancellationToken ct)
    {
        while (DateTime.UtcNow < deadline)
        {
            if (instance.Exited.IsCompleted)
            {
                var output = await instance.LogsAsync(10, ct);
                if (mayRetry && TransformerPorts.ConflictIn(output)) return null;
                throw new OaisException(OaisErrorCode.TransformFailed, $"{instance.Exited.Result} before becoming healthy; last output: {output}");
            }
            // A report is the truth (also from a host on our SDK we did not recognise); our hosts are only probed once they
            // reported, so that whatever else may listen on some port is never taken for them.
            if ((TransformerPorts.Reported(launch.PortFile) ?? (reports ? null : launch.Port)) is { } port && await AnswersAsync(port, ct))
                return port;
            await Task.Delay(100, ct);
        }
        var (expected, portToUse) = reports
            ? ($"report its port in ${TransformerEnvironment.PortFile}={launch.PortFile} and answer GET /health on it", "0 (a free port of its choice)")
            : ($"answer GET {new Uri(TransformerEndpoints.Local(launch.Port), "/health")}", launch.Port.ToString());
        throw new OaisException(OaisErrorCode.TransformTimeout,
            $"transformer did not {expected} within init_timeout {launch.Spec.InitTimeout} (it must listen on " +
            $"$PORT={portToUse}, all interfaces or 127.0.0.1, and answer 200 when ready; raise init_timeout if it starts slowly); " +
            $"last output: {await instance.LogsAsync(10, CancellationToken.None)}");
    }

    private static async Task<bool> AnswersAsync(int port, CancellationToken ct)
    {
        try
        {
            using var response = await Health.GetAsync(new Uri(TransformerEndpoints.Local(port), "/health"), ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false; // not listening yet
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transformer of ETL {Etl} found port {Port} taken (attempt {Attempt}); starting it on another port")]
    private partial void PortTaken(string etl, int port, int attempt);
}
