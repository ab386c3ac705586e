using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>
/// One HTTP/1.1 request written by hand: the request target, headers and body go on the wire exactly as given, so a test
/// can send what HttpClient refuses to (un-normalised paths, bad Content-Length, bodies shorter than announced).
/// </summary>
public sealed record RawRequest(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    /// <summary>After the body, close our sending side: the server sees end of stream (a truncated body stays truncated).</summary>
    public bool CloseAfterBody { get; init; }

    public static RawRequest Of(string method, string target, string? body = null, params (string, string)[] headers)
    {
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var all = headers.ToList();
        if (body is not null && !all.Any(h => h.Item1.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
            all.Add(("Content-Length", bytes.Length.ToString(CultureInfo.InvariantCulture)));
        return new RawRequest(method, target, all, bytes);
    }

    /// <summary>How the request reads in a failure report: request line and headers, body shortened.</summary>
    public string Describe()
    {
        var target = Target.Length > 160 ? Target[..150] + $"...({Target.Length} chars)" : Target;
        var text = new StringBuilder($"{Method} {Printable(target)}");
        foreach (var (name, value) in Headers)
            text.Append($" | {name}: {Printable(value.Length > 120 ? value[..110] + "..." : value)}");
        if (Body.Length > 0)
        {
            var body = Encoding.UTF8.GetString(Body);
            text.Append($" | body({Body.Length}): {Printable(body.Length > 120 ? body[..110] + "..." : body)}");
        }
        if (CloseAfterBody) text.Append(" | <half-close>");
        return text.ToString();
    }

    private static string Printable(string s) => string.Concat(s.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}

/// <summary>What came back: status (0 when the connection closed without a status line), headers and body text.</summary>
public sealed record RawResponse(int Status, string Reason, IReadOnlyDictionary<string, string> Headers, string Body, string? Failure)
{
    public bool Answered => Status > 0;

    public override string ToString() =>
        Answered ? $"{Status} {Reason}: {(Body.Length > 400 ? Body[..400] + "..." : Body)}" : $"no answer ({Failure})";
}

/// <summary>Sends a <see cref="RawRequest"/> on a fresh TCP connection and reads one response (Content-Length, chunked, or to close).</summary>
public static class RawHttp
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<RawResponse> SendAsync(Uri endpoint, RawRequest request)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, cts.Token);
            var stream = client.GetStream();
            var head = new StringBuilder($"{request.Method} {request.Target} HTTP/1.1\r\n");
            if (!request.Headers.Any(h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)))
                head.Append($"Host: {endpoint.Authority}\r\n");
            foreach (var (name, value) in request.Headers) head.Append($"{name}: {value}\r\n");
            head.Append("Connection: close\r\n\r\n");
            // Latin-1: every char of the head is one byte on the wire, so a test can put any byte (NUL, 0x80+) there.
            try
            {
                await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cts.Token);
                await stream.WriteAsync(request.Body, cts.Token);
                await stream.FlushAsync(cts.Token);
                if (request.CloseAfterBody) client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (IOException)
            {
                // The server may answer and close before taking the whole request: its answer is still there to read.
            }
            return await ReadResponseAsync(stream, cts.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            return new RawResponse(0, "", new Dictionary<string, string>(), "", e.GetType().Name + ": " + e.Message);
        }
    }

    private static async Task<RawResponse> ReadResponseAsync(Stream stream, CancellationToken ct)
    {
        // The server closes after answering (Connection: close), so read everything, then parse.
        using var all = new MemoryStream();
        try
        {
            await stream.CopyToAsync(all, ct);
        }
        catch (IOException) when (all.Length > 0)
        {
            // a reset after the answer was sent: keep what arrived
        }
        var bytes = all.ToArray();
        var split = IndexOf(bytes, "\r\n\r\n"u8);
        if (split < 0)
            return new RawResponse(0, "", new Dictionary<string, string>(), "", bytes.Length == 0 ? "connection closed with no response" : "incomplete response head");
        var lines = Encoding.Latin1.GetString(bytes, 0, split).Split("\r\n");
        var status = lines[0].Split(' ', 3);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = bytes.AsSpan(split + 4);
        var text = headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase)
            ? Dechunk(body)
            : Encoding.UTF8.GetString(body);
        return new RawResponse(int.Parse(status[1], CultureInfo.InvariantCulture), status.Length > 2 ? status[2] : "", headers, text, null);
    }

    private static string Dechunk(ReadOnlySpan<byte> body)
    {
        var text = new StringBuilder();
        while (true)
        {
            var eol = body.IndexOf("\r\n"u8);
            if (eol < 0) break;
            var sizeText = Encoding.ASCII.GetString(body[..eol]).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0) break;
            body = body[(eol + 2)..];
            if (body.Length < size) { text.Append(Encoding.UTF8.GetString(body)); break; }
            text.Append(Encoding.UTF8.GetString(body[..size]));
            body = body[Math.Min(body.Length, size + 2)..];
        }
        return text.ToString();
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
