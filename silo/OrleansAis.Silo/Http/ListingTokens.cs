using System.Buffers.Text;
using System.Text;

namespace OrleansAis.Silo.Http;

/// <summary>
/// The continuation tokens of listings, on the <c>/v1</c> API and S3 alike: opaque to clients (base64url of a marker and
/// the last name listed), so a token this server did not hand out is recognised and refused with a 400, instead of
/// being taken for a name to list after (which silently skips or restarts a listing).
/// </summary>
public static class ListingTokens
{
    private const string Marker = "oais-list:";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Encode(string last) => Base64Url.EncodeToString(StrictUtf8.GetBytes(Marker + last));

    /// <summary>The name the listing continues after; null when <paramref name="token"/> is not one of ours.</summary>
    public static string? Decode(string token)
    {
        try
        {
            var text = StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
            return text.StartsWith(Marker, StringComparison.Ordinal) && text.Length > Marker.Length ? text[Marker.Length..] : null;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}
