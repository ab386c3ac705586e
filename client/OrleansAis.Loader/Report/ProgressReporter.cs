using System.Diagnostics;
using System.Globalization;
using OrleansAis.Loader.Stats;

namespace OrleansAis.Loader.Report;

/// <summary>
/// Live progress on stderr (stdout stays clean for --json): one line per --stats-interval with the interval's
/// PUT and GET rates and the errors and wrong reads so far.
/// </summary>
internal sealed class ProgressReporter(RunStats stats, TimeSpan interval, TextWriter output)
{
    private const double MiB = 1024 * 1024;

    public async Task RunAsync(CancellationToken done)
    {
        if (interval <= TimeSpan.Zero) return;
        output.WriteLine($"{"time",8}  {"PUT op/s",9} {"MiB/s",8}  {"GET op/s",9} {"MiB/s",8}  {"errors",7} {"wrong",6}");
        var (put, get) = (stats.Put.Snapshot(), stats.Get.Snapshot());
        var last = Stopwatch.GetTimestamp();
        var started = last;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(done))
            {
                var now = Stopwatch.GetTimestamp();
                var seconds = Stopwatch.GetElapsedTime(last, now).TotalSeconds;
                var (putNow, getNow) = (stats.Put.Snapshot(), stats.Get.Snapshot());
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Stopwatch.GetElapsedTime(started, now).TotalSeconds,7:0.0}s  " +
                    $"{(putNow.Count - put.Count) / seconds,9:0.0} {(putNow.Bytes - put.Bytes) / MiB / seconds,8:0.00}  " +
                    $"{(getNow.Count - get.Count) / seconds,9:0.0} {(getNow.Bytes - get.Bytes) / MiB / seconds,8:0.00}  " +
                    $"{stats.TotalErrors,7} {stats.Failures.WrongReads,6}"));
                (put, get, last) = (putNow, getNow, now);
            }
        }
        catch (OperationCanceledException)
        {
            // the workload finished
        }
    }
}
