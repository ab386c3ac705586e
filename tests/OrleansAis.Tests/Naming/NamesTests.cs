using OrleansAis.Naming;

namespace OrleansAis.Tests.Naming;

public sealed class NamesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("dir/sub/file.tar")]
    [InlineData("with space and ünïcödé")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("..a/b..")]
    public void Valid_object_names_pass(string name) => Assert.Null(Names.ObjectNameProblem(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/abs", "absolute")]
    [InlineData("a/../b", "'..' segment")]
    [InlineData("..", "'..' segment")]
    [InlineData("a/..", "'..' segment")]
    [InlineData("nul\0byte", "NUL")]
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
    public void Ensure_throws_an_invalid_name_error()
    {
        var e = Assert.Throws<OaisException>(() => Names.EnsureValidObjectName("a/../b"));
        Assert.Equal(OaisErrorCode.InvalidName, e.Code);
    }
}
