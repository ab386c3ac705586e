using OrleansAis.Silo.Http;
using OrleansAis.Silo.Http.S3;

namespace OrleansAis.Silo.Tests.Http.S3;

[Trait("Category", "Fast")]
public sealed class S3BucketNamesTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("my-bucket.2024")]
    [InlineData("a1.b2-c3")]
    [InlineData("123")]
    [InlineData("192.168.5")] // three labels of digits are not an IP address
    public void S3_allows(string name) => Assert.Null(S3BucketNames.Problem(name));

    [Theory]
    [InlineData("a", "3 to 63")]
    [InlineData("Bad_Name", "lowercase")]
    [InlineData("foo_bar", "'_'")]
    [InlineData("foo..bar", "adjacent periods")]
    [InlineData(".dot", "begin and end")]
    [InlineData("dash-", "begin and end")]
    [InlineData("192.168.5.123", "IP address")]
    [InlineData("xn--abc", "xn--")]
    [InlineData("sthree-x", "sthree-")]
    [InlineData("data-s3alias", "-s3alias")]
    [InlineData("data--ol-s3", "--ol-s3")]
    public void S3_refuses_naming_the_rule(string name, string rule) => Assert.Contains(rule, S3BucketNames.Problem(name));

    [Fact]
    public void A_name_of_64_characters_is_too_long() => Assert.NotNull(S3BucketNames.Problem(new string('a', 64)));
}

[Trait("Category", "Fast")]
public sealed class ListingTokensTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("logs/2024/ü ß.txt")]
    [InlineData("a/\uffff")]
    public void A_token_gives_back_the_name_it_was_made_from(string name) => Assert.Equal(name, ListingTokens.Decode(ListingTokens.Encode(name)));

    [Theory]
    [InlineData("a/2")] // a plain name, as older listings returned
    [InlineData("bm90LW91cnM")] // base64url of "not-ours"
    [InlineData("!!!")]
    [InlineData("")]
    [InlineData("_w")] // not UTF-8 once decoded
    public void A_token_this_server_did_not_make_is_refused(string token) => Assert.Null(ListingTokens.Decode(token));
}
