using System.Text;
using Microsoft.Extensions.Options;
using OrleansAis.Etl.Runtimes;

namespace OrleansAis.Etl.Lifecycle;

/// <summary>
/// io:// has no /health: at init its command is run once on a tiny input and must exit within a bound
/// (<see cref="EtlOptions.IoProbeTimeout"/>, at most init_timeout). A command that does not speak stdio (a server such
/// as <c>etl-host echo</c> without <c>--stdio</c>, which prints a start line and never exits) fails the init with
/// what it printed, instead of answering every object with that line and a timeout. The exit code is not judged:
/// the probe input is not a real object, and a format-specific tool may rightly refuse it.
/// </summary>
public sealed class IoProbe(IOptions<EtlOptions> options)
{
    public static readonly byte[] Input = "oais io:// probe\n"u8.ToArray();
    private const int MaxShownOutput = 300;

    public async Task RunAsync(EtlSpec spec, ITransformerInstance instance, CancellationToken ct)
    {
        var bound = options.Value.IoProbeTimeout < spec.InitTimeout ? options.Value.IoProbeTimeout : spec.InitTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(bound);
        var output = new MemoryStream();
        var env = new Dictionary<string, string> { ["OBJECT_PATH"] = "oais-probe/probe" };
        try
        {
            await instance.RunOnceAsync(new MemoryStream(Input), new BoundedCapture(output, MaxShownOutput), env, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new OaisException(OaisErrorCode.InvalidArgument,
                $"io:// command [{string.Join(", ", spec.Runtime.Command)}] did not exit within {bound.TotalSeconds:0.#} s of reading a " +
                $"{Input.Length}-byte object on stdin: an io:// command must read the object from stdin, write the result to " +
                $"stdout and exit (etl-host needs --stdio); it wrote: '{Shown(output)}'");
        }
        catch (OaisException e) when (e.Code == OaisErrorCode.TransformFailed)
        {
            // Ran and exited: the command speaks stdio, whatever it thought of the probe's bytes.
        }
    }

    private static string Shown(MemoryStream output) => Encoding.UTF8.GetString(output.ToArray()).ReplaceLineEndings(" ").Trim();

    /// <summary>Keeps the first bytes of the probe's output for the message and discards the rest (a probe output can be anything).</summary>
    private sealed class BoundedCapture(MemoryStream inner, int limit) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            var room = (int)Math.Max(0, limit - inner.Length);
            inner.Write(buffer, offset, Math.Min(room, count));
        }
    }
}
