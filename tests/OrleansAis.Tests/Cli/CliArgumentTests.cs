using OrleansAis.Cli.Arguments;

namespace OrleansAis.Tests.Cli;

/// <summary>The CLI's pure parts: BUCKET/NAME, --range, KEY=VALUE, the endpoint, and local/object naming.</summary>
[Trait("Category", "Fast")]
public sealed class CliArgumentTests
{
    [Theory]
    [InlineData("photos", "photos", null)]
    [InlineData("photos/", "photos", null)]
    [InlineData("photos/cat.jpg", "photos", "cat.jpg")]
    [InlineData("photos/2024/01/cat.jpg", "photos", "2024/01/cat.jpg")]
    [InlineData("photos/2024/", "photos", "2024/")]
    public void Object_addresses_split_at_the_first_slash(string text, string bucket, string? name)
    {
        Assert.Equal(new ObjectAddress(bucket, name), ObjectAddress.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/cat.jpg")]
    public void An_address_without_a_bucket_is_a_usage_error(string text)
    {
        Assert.Throws<UsageException>(() => ObjectAddress.Parse(text));
    }

    [Fact]
    public void Requiring_a_name_of_a_bare_bucket_is_a_usage_error()
    {
        Assert.Equal("a/b", ObjectAddress.Parse("photos/a/b").RequireName());
        Assert.Throws<UsageException>(() => ObjectAddress.Parse("photos").RequireName());
    }

    [Theory]
    [InlineData("0-99", 0L, 99L)]
    [InlineData("5-5", 5L, 5L)]
    [InlineData("100-", 100L, null)]
    [InlineData("-500", null, 500L)]
    [InlineData("bytes=1-2", 1L, 2L)]
    public void Ranges_parse_to_first_and_last_byte(string text, long? first, long? last)
    {
        Assert.Equal(new ByteRangeArgument(first, last), ByteRangeArgument.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("-")]
    [InlineData("-0")]
    [InlineData("9-3")]
    [InlineData("a-b")]
    [InlineData("1-2,4-5")]
    [InlineData("+1-2")]
    public void Malformed_ranges_are_usage_errors(string text)
    {
        Assert.Throws<UsageException>(() => ByteRangeArgument.Parse(text));
    }

    [Fact]
    public void Key_values_split_at_the_first_equals_sign()
    {
        var parsed = KeyValueArguments.Parse(["team=vision", "query=a=b", "empty="], "--prop");
        Assert.Equal(new Dictionary<string, string> { ["team"] = "vision", ["query"] = "a=b", ["empty"] = "" }, parsed);
        Assert.Empty(KeyValueArguments.Parse(null, "--prop"));
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=v")]
    public void Key_values_without_a_key_are_usage_errors(string item)
    {
        Assert.Throws<UsageException>(() => KeyValueArguments.Parse([item], "--prop"));
    }

    [Fact]
    public void A_key_given_twice_is_a_usage_error()
    {
        Assert.Throws<UsageException>(() => KeyValueArguments.Parse(["k=1", "k=2"], "--prop"));
    }

    [Theory]
    [InlineData("bad key=v")]
    [InlineData("k=caf\u00e9")]
    [InlineData("k=line\nbreak")]
    public void Metadata_that_cannot_travel_as_a_header_is_a_usage_error(string item)
    {
        Assert.Throws<UsageException>(() => KeyValueArguments.ParseHeaderSafe([item], "--meta"));
    }

    [Fact]
    public void The_endpoint_option_wins_over_the_environment_which_wins_over_the_default()
    {
        Assert.Equal(new Uri("http://a:1/"), EndpointArgument.Resolve("http://a:1", "http://b:2"));
        Assert.Equal(new Uri("http://b:2/"), EndpointArgument.Resolve(null, "http://b:2"));
        Assert.Equal(new Uri("http://localhost:8080/"), EndpointArgument.Resolve(null, " "));
        Assert.Equal(new Uri("https://gw.example/oais/"), EndpointArgument.Resolve("https://gw.example/oais/", null));
    }

    [Theory]
    [InlineData("localhost:8080")]
    [InlineData("ftp://host")]
    [InlineData("not a url")]
    public void An_endpoint_that_is_not_an_http_url_is_a_usage_error(string endpoint)
    {
        Assert.Throws<UsageException>(() => EndpointArgument.Resolve(endpoint, null));
    }

    [Theory]
    [InlineData("cat.jpg", null, "cat.jpg")]
    [InlineData("cat.jpg", "pets/", "pets/cat.jpg")]
    [InlineData("cat.jpg", "pets/tom.jpg", "pets/tom.jpg")]
    [InlineData("cat.jpg", "tom", "tom")]
    public void A_single_file_keeps_its_name_unless_the_destination_names_it(string file, string? destination, string expected)
    {
        Assert.Equal(expected, UploadNaming.ForFile(file, destination));
    }

    [Theory]
    [InlineData("a.txt", null, "a.txt")]
    [InlineData("sub/deeper/b.txt", null, "sub/deeper/b.txt")]
    [InlineData("sub/b.txt", "data", "data/sub/b.txt")]
    [InlineData("sub/b.txt", "data/", "data/sub/b.txt")]
    public void Files_of_a_tree_are_named_by_their_relative_path_under_the_prefix(string relative, string? prefix, string expected)
    {
        Assert.Equal(expected, UploadNaming.ForTreeEntry(relative.Replace('/', Path.DirectorySeparatorChar), prefix));
    }

    [Fact]
    public void A_download_defaults_to_the_last_segment_and_goes_into_directories()
    {
        Assert.Equal("cat.jpg", DownloadPaths.ForObject("2024/01/cat.jpg", null, _ => false));
        Assert.Equal(Path.Combine("out", "cat.jpg"), DownloadPaths.ForObject("2024/cat.jpg", "out", d => d == "out"));
        Assert.Equal(Path.Combine("new/", "cat.jpg"), DownloadPaths.ForObject("2024/cat.jpg", "new/", _ => false));
        Assert.Equal("copy.jpg", DownloadPaths.ForObject("2024/cat.jpg", "copy.jpg", _ => false));
        Assert.Throws<UsageException>(() => DownloadPaths.ForObject("2024/", null, _ => false));
    }

    [Fact]
    public void Many_objects_land_under_the_directory_and_never_outside_it()
    {
        var root = Path.GetFullPath("out");
        Assert.Equal(Path.Combine(root, "a", "b.txt"), DownloadPaths.UnderDirectory("out", "a/b.txt"));
        Assert.Throws<IOException>(() => DownloadPaths.UnderDirectory("out", "../escape.txt"));
        Assert.Throws<IOException>(() => DownloadPaths.UnderDirectory("out", "a/../../escape.txt"));
        Assert.Throws<IOException>(() => DownloadPaths.UnderDirectory("out", "a//b"));
    }
}
