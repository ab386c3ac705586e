using Microsoft.Extensions.Options;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>
/// Aborts, every <see cref="S3MultipartOptions.SweepInterval"/>, the multipart uploads on this silo that started more
/// than <see cref="S3MultipartOptions.AbandonAfter"/> ago, so parts of uploads nobody finishes do not fill its disks.
/// </summary>
public sealed partial class AbandonedUploadSweeper(
    MultipartUploads uploads, IOptions<S3MultipartOptions> options, TimeProvider time, ILogger<AbandonedUploadSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var aborted = await uploads.ExpireAsync(time.GetUtcNow() - settings.AbandonAfter, stoppingToken);
                if (aborted > 0) LogAborted(aborted, settings.AbandonAfter);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e); // the next sweep tries again
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Aborted {Count} multipart uploads started more than {Age} ago (S3:Multipart:AbandonAfter)")]
    private partial void LogAborted(int count, TimeSpan age);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping abandoned multipart uploads failed")]
    private partial void LogFailed(Exception e);
}
