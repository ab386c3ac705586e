using OrleansAis.Naming;

namespace OrleansAis.Tests.Naming;

[Trait("Category", "Fast")]
public sealed class NamesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("dir/sub/file.tar")]
    [InlineData("with space and ünïcödé")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("..a/b..")]
    [InlineData("percent%2e%2ename")] // a literal '%' is just a character; only a whole '..' segment is refused
    [InlineData("a\\b")]
    [InlineData("100%")]
    public void Valid_object_names_pass(string name) => Assert.Null(Names.ObjectNameProblem(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/abs", "absolute")]
    [InlineData("a/../b", "'..' segment")]
    [InlineData("..", "'..' segment")]
    [InlineData("a/..", "'..' segment")]
    [InlineData("nul\0byte", "NUL")]
    [InlineData("a\\..\\b", "'..' segment")]
    [InlineData("..\\etc", "'..' segment")]
    [InlineData("%2e%2e/etc", "'..' segment once percent-decoded")]
    [InlineData("%2E%2E%2Fetc", "'..' segment once percent-decoded")]
    [InlineData("%252e%252e/etc", "'..' segment once percent-decoded")]
    [InlineData("a\u0001b", "control character \\u0001")]
    [InlineData("line\r\nX-Injected: 1", "control character \\u000d")]
    [InlineData("tab\tname", "control character")]
    [InlineData("del\u007f", "control character \\u007f")]
    public void Invalid_object_names_say_what_is_wrong(string name, string expected) =>
        Assert.Contains(expected, Names.ObjectNameProblem(name));

    [Fact]
    public void Object_names_over_1024_utf8_bytes_are_rejected_counting_bytes_not_chars()
    {
        Assert.Null(Names.ObjectNameProblem(new string('x', 1024)));
        Assert.Contains("1025 bytes", Names.ObjectNameProblem(new string('x', 1025)));
        Assert.Contains("bytes", Names.ObjectNameProblem(new string('é', 513))); // 1026 bytes in 513 chars
    }

    [Theory]
    [InlineData("photos")]
    [InlineData("My_Bucket-1.v2")]
    public void Valid_bucket_names_pass(string name) => Assert.Null(Names.BucketNameProblem(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("-x", "start with")]
    [InlineData("a/b", "contains '/'")]
    [InlineData("a b", "contains ' '")]
    public void Invalid_bucket_names_say_what_is_wrong(string name, string expected) =>
        Assert.Contains(expected, Names.BucketNameProblem(name));

    [Fact]
    public void Metadata_with_control_characters_is_refused_by_name()
    {
        Assert.Null(Names.MetadataProblem("note", "plain words, ünïcödé"));
        Assert.Contains("metadata 'note' contains the control character \\u0001", Names.MetadataProblem("note", "a\u0001b"));
        Assert.Contains("control character", Names.MetadataProblem("bad\nkey", "v"));
    }

    [Fact]
    public void Ensure_throws_an_invalid_name_error()
    {
        var e = Assert.Throws<OaisException>(() => Names.EnsureValidObjectName("a/../b"));
        Assert.Equal(OaisErrorCode.InvalidName, e.Code);
    }
}
