using System.Net.Sockets;

namespace OrleansAis.Storage;

/// <summary>A stream over part of a local file that can put its bytes on a socket without reading them into memory.</summary>
public interface ISocketFileSource
{
    /// <summary>Sends the rest of the stream to <paramref name="socket"/>.</summary>
    Task SendToAsync(Socket socket, CancellationToken ct);
}

/// <summary>
/// sendfile(2) through <see cref="Socket.SendPacketsAsync(SocketAsyncEventArgs)"/>: the kernel moves the bytes from the
/// page cache to the socket, with no copy into and out of a user-space buffer and no read calls.
/// </summary>
internal static class FileSending
{
    private const int MaxChunk = 1 << 30;

    public static async Task SendAsync(Socket socket, FileStream file, long offset, long length, CancellationToken ct)
    {
        using var args = new SocketAsyncEventArgs();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        args.Completed += (_, _) => done.TrySetResult();
        // SendPacketsAsync takes no token: a cancelled send is ended by closing the socket, which its owner discards anyway.
        await using var cancel = ct.Register(socket.Dispose);
        while (length > 0)
        {
            var count = (int)Math.Min(length, MaxChunk);
            args.SendPacketsElements = [new SendPacketsElement(file, offset, count, endOfPacket: true)];
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (socket.SendPacketsAsync(args)) await done.Task;
            ct.ThrowIfCancellationRequested();
            if (args.SocketError != SocketError.Success) throw new SocketException((int)args.SocketError);
            offset += count;
            length -= count;
        }
    }
}
