using OrleansAis.Silo.Http;

namespace OrleansAis.Silo.Tests.Http;

/// <summary>Percent-decoding of request path segments: strict UTF-8, lenient about a '%' that starts no escape.</summary>
[Trait("Category", "Fast")]
public sealed class RawPathTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a%2Fb", "a/b")]
    [InlineData("gr%C3%BC%C3%9Fe", "grüße")]
    [InlineData("%252e", "%2e")]
    [InlineData("100%", "100%")]
    [InlineData("50%zz", "50%zz")]
    public void Segments_decode_once(string segment, string expected) => Assert.Equal(expected, RawPath.Unescape(segment));

    [Theory]
    [InlineData("%c0%ae%c0%ae")] // overlong '.'
    [InlineData("%ff")]
    [InlineData("%ed%a0%80")] // a UTF-16 surrogate encoded as UTF-8
    [InlineData("%e2%82")] // cut short
    public void Escapes_that_are_not_utf8_are_refused(string segment)
    {
        var e = Assert.Throws<OaisException>(() => RawPath.Unescape(segment));
        Assert.Equal(OaisErrorCode.InvalidName, e.Code);
        Assert.Contains("not valid percent-encoded UTF-8", e.Message);
    }
}
