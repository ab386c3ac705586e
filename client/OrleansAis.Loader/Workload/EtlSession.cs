using System.Text.Json;
using OrleansAis.Loader.Http;
using OrleansAis.Loader.Options;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// The ETL GETs read through: an existing one (checked to be Running), or a built-in transformer the loader
/// initialises for the run (spec below), waits for, and deletes at the end.
/// </summary>
internal sealed class EtlSession(ClusterApi api, EtlSelection etl, TextWriter log)
{
    private static readonly TimeSpan RunningWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public EtlSelection Selection => etl;

    /// <summary>True once the loader created the ETL (so it must delete it).</summary>
    public bool Created { get; private set; }

    public bool Deleted { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        if (etl.IsOwnedByLoader)
        {
            Created = await api.InitEtlAsync(SpecJson(etl), ct);
            // A previous run that was killed may have left it behind: use it, and remove it at the end like our own.
            if (!Created) log.WriteLine($"oais-loader: ETL {etl.Name} already exists; using it (and deleting it at the end)");
            Created = true;
        }
        await WaitRunningAsync(ct);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (!Created) return;
        await api.DeleteEtlAsync(etl.Name, ct);
        Deleted = true;
    }

    /// <summary>
    /// The spec of a built-in: image and command both, so it runs on silos with the Docker runtime (image) and the
    /// process runtime (command, image ignored) alike; io:// runs the host in its one-object stdin/stdout mode.
    /// </summary>
    public static string SpecJson(EtlSelection etl)
    {
        var command = new List<string> { "etl-host", EtlSelection.Lower(etl.Builtin!.Value) };
        if (etl.Communicator == Communicator.Io) command.Add("--stdio");
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = etl.Name,
            ["communication"] = EtlSelection.Lower(etl.Communicator) + "://",
            ["runtime"] = new Dictionary<string, object> { ["image"] = EtlSelection.Image, ["command"] = command },
        });
    }

    private async Task WaitRunningAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + RunningWait;
        while (true)
        {
            var status = await api.EtlStatusAsync(etl.Name, ct) ?? throw new ApiException($"ETL '{etl.Name}' does not exist");
            if (status.Stage.Equals("Running", StringComparison.OrdinalIgnoreCase)) return;
            if (status.Stage.Equals("Aborted", StringComparison.OrdinalIgnoreCase)) throw new ApiException($"ETL '{etl.Name}' is Aborted: {status.AbortReason ?? "no reason given"}");
            if (DateTime.UtcNow > deadline) throw new ApiException($"ETL '{etl.Name}' not Running after {RunningWait.TotalMinutes:0} minutes (stage {status.Stage})");
            await Task.Delay(Poll, ct);
        }
    }
}
