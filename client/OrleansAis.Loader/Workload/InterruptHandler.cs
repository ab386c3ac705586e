using System.Runtime.InteropServices;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// Ctrl+C / SIGTERM: the first asks the run to stop starting operations (in-flight ones finish, cleanup and the report
/// still happen); the second aborts in-flight requests too.
/// </summary>
internal sealed class InterruptHandler : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();
    private readonly PosixSignalRegistration? _sigterm;

    public InterruptHandler()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        _sigterm = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled on the first interrupt: start nothing new.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Cancelled on the second interrupt: give up on requests in flight.</summary>
    public CancellationToken Aborting => _aborting.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _sigterm?.Dispose();
        _stopping.Dispose();
        _aborting.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        Interrupt();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Interrupt();
    }

    private void Interrupt()
    {
        if (!_stopping.IsCancellationRequested)
        {
            Console.Error.WriteLine("oais-loader: interrupted; finishing requests in flight (interrupt again to abort them)");
            _stopping.Cancel();
        }
        else
        {
            _aborting.Cancel();
        }
    }
}
