using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace OrleansAis.Silo.Http.S3.Xml;

/// <summary>S3's XML: result documents in the S3 namespace, error documents, and bounded, DTD-free parsing of request bodies.</summary>
public static class S3Xml
{
    public static readonly XNamespace Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        // Object keys may hold characters XML 1.0 cannot carry; S3 writes them anyway (clients use encoding-type=url).
        CheckCharacters = false,
    };

    private static readonly XmlReaderSettings ReaderSettings = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    /// <summary>An element in the S3 namespace; null content is left out, so optional fields can be passed as null.</summary>
    public static XElement Element(string name, params object?[] content) => new(Namespace + name, content.Where(c => c is not null));

    /// <summary>An optional element: null when <paramref name="value"/> is.</summary>
    public static XElement? Optional(string name, object? value) => value is null ? null : Element(name, value);

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    public static async Task WriteAsync(HttpContext context, XElement document, int status = StatusCodes.Status200OK)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, WriterSettings)) document.Save(writer);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    /// <summary>The S3 error document (just the status for HEAD, which has no body).</summary>
    public static Task WriteErrorAsync(HttpContext context, S3Exception error)
    {
        foreach (var (name, value) in error.Headers) context.Response.Headers[name] = value;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = error.Status;
            return Task.CompletedTask;
        }
        var document = new XElement("Error",
            new XElement("Code", error.Code),
            new XElement("Message", error.Message),
            new XElement("Resource", context.Request.Path.Value),
            new XElement("RequestId", context.TraceIdentifier),
            error.Details.Select(d => new XElement(d.Key, d.Value)));
        return WriteAsync(context, document, error.Status);
    }

    /// <summary>Reads a request's XML body of at most <paramref name="maxBytes"/> (namespaces are ignored when reading).</summary>
    public static async Task<XElement> ReadAsync(Stream body, int maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 << 10];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new S3Exception(StatusCodes.Status400BadRequest, "MaxMessageLengthExceeded", $"the XML body is larger than {maxBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        try
        {
            using var reader = XmlReader.Create(buffer, ReaderSettings);
            return XElement.Load(reader);
        }
        catch (XmlException e)
        {
            throw S3Exception.MalformedXml("the XML body is not well-formed: " + e.Message);
        }
    }

    /// <summary>The text of the first child named <paramref name="localName"/>, whatever its namespace.</summary>
    public static string? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;

    public static IEnumerable<XElement> Children(XElement parent, string localName) =>
        parent.Elements().Where(e => e.Name.LocalName == localName);
}
