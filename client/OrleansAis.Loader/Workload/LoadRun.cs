using System.Diagnostics;
using OrleansAis.Loader.Http;
using OrleansAis.Loader.Options;
using OrleansAis.Loader.Report;
using OrleansAis.Loader.Stats;
using OrleansAis.Loader.Verification;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// One run, start to end: bucket, ETL, listing of existing objects, prefill, the measured workload with live
/// progress, cleanup, ETL teardown, and the report. Teardown happens whatever happened before it.
/// </summary>
internal sealed class LoadRun
{
    /// <summary>Setup calls (an ETL init starts a transformer on every silo) may take longer than one object request.</summary>
    private static readonly TimeSpan MinimumSetupTimeout = TimeSpan.FromMinutes(2);

    private readonly LoaderOptions _options;
    private readonly TextWriter _log;
    private readonly RunStats _stats;
    private readonly RunFacts _facts = new();
    private readonly ObjectSet _objects;
    private readonly ObjectCatalog _catalog;
    private readonly ClusterApi _api;
    private readonly ObjectOperations _operations;
    private readonly IReadVerifier _verifier;
    private readonly InterruptHandler _interrupt;
    private readonly RunBudget _budget;
    private readonly EtlSession? _etl;

    private LoadRun(LoaderOptions options, HttpClient http, InterruptHandler interrupt, TextWriter log)
    {
        _options = options;
        _log = log;
        _interrupt = interrupt;
        _stats = new RunStats(options.MaxListedFailures);
        _objects = new ObjectSet(options.Prefix, options.Objects, options.MinSize, options.MaxSize, options.Seed);
        _catalog = new ObjectCatalog(options.Objects);
        var endpoints = new EndpointRotation(http, options.Endpoints);
        _api = new ClusterApi(endpoints, options.RequestTimeout > MinimumSetupTimeout ? options.RequestTimeout : MinimumSetupTimeout);
        var (md5, sha256) = ReadVerifiers.DigestsNeeded(options);
        var fingerprints = new FingerprintCache(_objects, md5, sha256);
        _verifier = ReadVerifiers.For(options, new ExpectedContent(_catalog, fingerprints));
        _operations = new ObjectOperations(new ObjectClient(endpoints, options.Bucket, options.RequestTimeout),
            _objects, fingerprints, _catalog, _verifier, options.Etl?.Name, _stats);
        _budget = new RunBudget(options.Duration, options.MaxOps, interrupt.Stopping);
        _etl = options.Etl is { } etl ? new EtlSession(_api, etl, log) : null;
        if (!options.Stress)
            _operations.TransportFailed += reason => _budget.Stop($"{reason}; --stress keeps going through such failures");
    }

    public static async Task<int> RunAsync(LoaderOptions options, CancellationToken _)
    {
        using var interrupt = new InterruptHandler();
        using var http = LoaderHttpClient.Create(options.Workers);
        var run = new LoadRun(options, http, interrupt, Console.Error);
        var report = await run.ExecuteAsync();
        Console.Out.Write(options.Json ? JsonReport.Render(report) + Environment.NewLine : TextReport.Render(report));
        await Console.Out.FlushAsync();
        return report.ExitCode;
    }

    private async Task<LoaderReport> ExecuteAsync()
    {
        _stats.StartClock();
        var abort = _interrupt.Aborting;
        try
        {
            await PrepareBucketAsync(abort);
            if (_etl is not null) await StartEtlAsync(abort);
            await ListExistingAsync(abort);
            await PrefillAsync(abort);
            await RunWorkloadAsync(abort);
        }
        catch (ApiException e)
        {
            _facts.SetupError = e.Message;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            _facts.SetupError ??= "aborted by a second interrupt";
        }
        finally
        {
            await TearDownAsync(abort);
        }
        return ReportBuilder.Build(_options, _stats, _facts, _verifier.Method, _verifier.Note);
    }

    private async Task PrepareBucketAsync(CancellationToken ct)
    {
        if (await _api.BucketExistsAsync(_options.Bucket, ct)) return;
        if (!_options.CreateBucket) throw new ApiException($"bucket '{_options.Bucket}' does not exist (and --no-create was given)");
        _facts.BucketCreated = await _api.CreateBucketAsync(_options.Bucket, ct);
        Progress($"created bucket {_options.Bucket}");
    }

    private async Task StartEtlAsync(CancellationToken ct)
    {
        Progress(_etl!.Selection.IsOwnedByLoader ? $"starting ETL {_etl.Selection.Name}" : $"checking ETL {_etl.Selection.Name}");
        try
        {
            await _etl.StartAsync(ct);
        }
        finally
        {
            _facts.EtlCreated = _etl.Created;
        }
        Progress($"ETL {_etl.Selection.Name} is Running");
    }

    /// <summary>Objects of the set that already exist are readable from the first GET on (and need no prefill).</summary>
    private async Task ListExistingAsync(CancellationToken ct)
    {
        var found = 0;
        await foreach (var entry in _api.ListAsync(_options.Bucket, _options.Prefix, ct))
        {
            var index = _objects.IndexOf(entry.Name);
            if (index < 0) continue;
            _catalog.AddExisting(index, entry.Checksum);
            found++;
        }
        if (found > 0) Progress($"{found} objects of the set already exist");
    }

    private async Task PrefillAsync(CancellationToken ct)
    {
        if (_options.PctPut == 100 || _catalog.ReadableCount > 0) return;
        if (!_options.Prefill)
        {
            _facts.Notes.Add("no prefill (--no-prefill): GETs chosen before anything was written became PUTs");
            return;
        }
        Progress($"prefill: writing {_options.Objects} objects");
        var clock = Stopwatch.StartNew();
        await new PrefillPhase(_options.Workers, _objects, _operations, () => _budget.StopReason is not null).RunAsync(ct);
        _facts.PrefillTime = clock.Elapsed;
    }

    private async Task RunWorkloadAsync(CancellationToken abort)
    {
        if (_budget.StopReason is { } stopped)
        {
            _facts.StoppedEarly = stopped;
            return;
        }
        using var done = new CancellationTokenSource();
        var progress = new ProgressReporter(_stats, _options.StatsInterval, _log).RunAsync(done.Token);
        var clock = Stopwatch.StartNew();
        await new LoadPhase(_options.Workers, _options.PctPut, _options.Seed, _objects, _catalog, _operations, _budget).RunAsync(abort);
        _stats.WorkloadTime = clock.Elapsed;
        done.Cancel();
        await progress;
        _facts.StoppedEarly = _budget.StopReason;
    }

    private async Task TearDownAsync(CancellationToken abort)
    {
        _facts.ObjectsWritten = _catalog.WrittenCount;
        if (_options.Cleanup && !abort.IsCancellationRequested) await CleanupAsync(abort);
        if (_etl is { Created: true })
        {
            try
            {
                await _etl.StopAsync(abort);
                _facts.EtlDeleted = true;
            }
            catch (Exception e) when (e is ApiException or OperationCanceledException)
            {
                _facts.Notes.Add($"ETL {_etl.Selection.Name} was not deleted: {e.Message}");
            }
        }
    }

    private async Task CleanupAsync(CancellationToken abort)
    {
        _facts.CleanupRan = true;
        Progress($"cleanup: deleting {_catalog.WrittenCount} objects");
        _facts.Deleted = await new CleanupPhase(_options.Workers, _catalog, _operations).RunAsync(abort);
        if (!_facts.BucketCreated || _stats.Delete.Errors > 0) return;
        try
        {
            _facts.BucketDeleted = await _api.DeleteBucketAsync(_options.Bucket, abort);
            if (!_facts.BucketDeleted) _facts.Notes.Add($"bucket {_options.Bucket} was created by this run but holds other objects now; kept");
        }
        catch (Exception e) when (e is ApiException or OperationCanceledException)
        {
            _facts.Notes.Add($"bucket {_options.Bucket} was not deleted: {e.Message}");
        }
    }

    private void Progress(string message) => _log.WriteLine($"oais-loader: {message}");
}
