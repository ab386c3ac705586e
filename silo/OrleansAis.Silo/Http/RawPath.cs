using Microsoft.AspNetCore.Http.Features;

namespace OrleansAis.Silo.Http;

/// <summary>
/// Object names taken from the raw request target, segment by segment, so '%2F', spaces and unicode round-trip and
/// a '..' segment arrives as written (and is then refused by name validation) instead of being normalised away.
/// </summary>
public static class RawPath
{
    /// <summary>The unescaped path segments after the first <paramref name="skip"/> ones.</summary>
    public static string[] Segments(HttpContext context, int skip)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = target.IndexOf('?');
        if (query >= 0) target = target[..query];
        var segments = target.TrimStart('/').Split('/');
        return segments.Skip(skip).Select(Unescape).ToArray();
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Percent-decodes one segment as UTF-8, refusing escapes that are not UTF-8 (such as the overlong <c>%c0%ae</c>,
    /// a disguised '.'): decoding them leniently would turn different requests into one name, or keep the escape as text.
    /// A '%' that starts no escape stays a '%', as <see cref="Uri.UnescapeDataString(string)"/> keeps it.
    /// </summary>
    public static string Unescape(string segment)
    {
        if (!segment.Contains('%')) return segment;
        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '%' && i + 2 < segment.Length && char.IsAsciiHexDigit(segment[i + 1]) && char.IsAsciiHexDigit(segment[i + 2]))
            {
                bytes.Add(Convert.ToByte(segment.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(segment[i].ToString()));
            }
        }
        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new OaisException(OaisErrorCode.InvalidName, $"path segment '{segment}' is not valid percent-encoded UTF-8 (object names are UTF-8)");
        }
    }

    /// <summary>Bucket and object name after <paramref name="skip"/> leading segments: <c>.../{bucket}/{object...}</c>.</summary>
    public static (string Bucket, string Name) BucketAndObject(HttpContext context, int skip)
    {
        var segments = Segments(context, skip);
        return segments.Length == 0 ? ("", "") : (segments[0], string.Join('/', segments.Skip(1)));
    }
}
