using System.Text;
using System.Text.RegularExpressions;

namespace OrleansAis.Http.Contracts;

/// <summary>
/// User metadata values in HTTP headers, which carry ASCII only. As S3 does: a value sent as RFC 2047 encoded-words
/// (<c>=?UTF-8?B?...?=</c> or <c>=?UTF-8?Q?...?=</c>) is decoded before it is stored, and a stored value with non-ASCII
/// characters is answered RFC 2047 encoded (UTF-8, base64). A raw non-ASCII header value is refused: its bytes have no
/// declared encoding.
/// </summary>
public static partial class MetadataText
{
    /// <summary>The value to store for header <paramref name="header"/>, or an error message naming the header.</summary>
    public static (string? Value, string? Problem) Decode(string header, string value)
    {
        if (value.Any(c => c > '\u007e'))
            return (null, $"{header}: the value has non-ASCII characters; send them RFC 2047 encoded (=?UTF-8?B?<base64>?=), as S3 clients do");
        if (!value.Contains("=?", StringComparison.Ordinal)) return (value, null);
        string? problem = null;
        var decoded = EncodedWord().Replace(value, m =>
        {
            try
            {
                var encoding = Encoding.GetEncoding(m.Groups[1].Value);
                var text = m.Groups[3].Value;
                var bytes = m.Groups[2].Value is "B" or "b" ? Convert.FromBase64String(text) : DecodeQ(text);
                return encoding.GetString(bytes);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                problem = $"{header}: '{m.Value}' is not a valid RFC 2047 encoded-word ({e.Message})";
                return m.Value;
            }
        });
        // Whitespace between adjacent encoded-words is not part of the text (RFC 2047 §6.2).
        return problem is null ? (decoded, null) : (null, problem);
    }

    /// <summary>The value as a header can carry it: as is when ASCII, else one RFC 2047 encoded-word (UTF-8, base64).</summary>
    public static string Encode(string value) =>
        value.All(c => c is >= ' ' and <= '\u007e') ? value : $"=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}?=";

    private static byte[] DecodeQ(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '_') bytes.Add((byte)' ');
            else if (text[i] == '=' && i + 2 < text.Length) { bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16)); i += 2; }
            else if (text[i] == '=') throw new FormatException("a '=' is not followed by two hex digits");
            else bytes.Add((byte)text[i]);
        }
        return [.. bytes];
    }

    [GeneratedRegex(@"=\?([A-Za-z0-9_\-]+)\?([BbQq])\?([^?\s]*)\?=(?:\s+(?==\?))?")]
    private static partial Regex EncodedWord();
}
