using Spectre.Console;

namespace OrleansAis.Cli.Output;

/// <summary>Told about every transferred byte and finished object.</summary>
internal interface IProgressSink
{
    void AddBytes(long count);

    void CompleteObject();
}

/// <summary>
/// A progress bar on stderr for multi-object and large transfers. The caller decides whether bars are allowed at all
/// (only when stderr is a terminal and the output is not --json); small single transfers never get one.
/// </summary>
internal static class TransferProgress
{
    /// <summary>A single transfer at least this large gets a bar.</summary>
    public const long LargeTransferBytes = 8L << 20;

    public static async Task<T> RunAsync<T>(bool allowed, string verb, int objects, long totalBytes, Func<IProgressSink, Task<T>> work)
    {
        if (!allowed || (objects <= 1 && totalBytes < LargeTransferBytes)) return await work(NoProgress.Instance);
        // Bars are only asked for when stderr is a terminal; Spectre would judge by stdout, which may be redirected.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Interactive = InteractionSupport.Yes });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var bar = new BarSink(context, verb, objects, totalBytes);
                var result = await work(bar);
                bar.Finish();
                return result;
            });
    }

    private sealed class NoProgress : IProgressSink
    {
        public static readonly NoProgress Instance = new();

        public void AddBytes(long count) { }

        public void CompleteObject() { }
    }

    /// <summary>Workers report concurrently; Spectre's task updates are thread-safe, the object count is kept with Interlocked.</summary>
    private sealed class BarSink : IProgressSink
    {
        private readonly ProgressTask _task;
        private readonly string _verb;
        private readonly int _objects;
        private int _completed;

        public BarSink(ProgressContext context, string verb, int objects, long totalBytes)
        {
            (_verb, _objects) = (verb, objects);
            _task = context.AddTask(Description(0), maxValue: Math.Max(totalBytes, 1));
        }

        public void AddBytes(long count) => _task.Increment(count);

        public void CompleteObject() => _task.Description = Description(Interlocked.Increment(ref _completed));

        /// <summary>Fills the bar even when objects changed size between listing and transfer.</summary>
        public void Finish() => _task.Value = _task.MaxValue;

        private string Description(int completed) => _objects > 1 ? $"{_verb} {completed}/{_objects}" : _verb;
    }
}
