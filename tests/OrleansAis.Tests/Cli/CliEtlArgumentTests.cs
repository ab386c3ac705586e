using OrleansAis.Cli.Arguments;

namespace OrleansAis.Tests.Cli;

/// <summary>The pure parts of the ETL and job commands: --timeout durations, the --ext map, and specs from flags.</summary>
[Trait("Category", "Fast")]
public sealed class CliEtlArgumentTests
{
    [Theory]
    [InlineData("90", 90_000)]
    [InlineData("2.5", 2_500)]
    [InlineData("45s", 45_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    public void Durations_parse_as_seconds_or_with_units(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationArgument.Parse(text, "--timeout"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("5x")]
    [InlineData("m5")]
    [InlineData("5m junk")]
    public void Bad_durations_are_usage_errors_naming_the_option(string text)
    {
        var error = Assert.Throws<UsageException>(() => DurationArgument.Parse(text, "--timeout"));
        Assert.StartsWith("--timeout", error.Message);
    }

    [Theory]
    [InlineData("{flac:wav}", "flac=wav")]
    [InlineData("flac:wav", "flac=wav")]
    [InlineData("{flac:wav, .mp3:ogg}", "flac=wav,mp3=ogg")]
    public void Extension_maps_are_read_as_aistore_writes_them(string text, string expected)
    {
        Assert.Equal(expected, string.Join(",", ExtensionMapArgument.Parse(text).Select(p => $"{p.Key}={p.Value}")));
    }

    [Theory]
    [InlineData("{flac}")]
    [InlineData("{:wav}")]
    [InlineData("{flac:}")]
    [InlineData("{flac:wav,flac:mp3}")]
    public void Bad_extension_maps_are_usage_errors(string text)
    {
        Assert.Throws<UsageException>(() => ExtensionMapArgument.Parse(text));
    }

    [Fact]
    public void A_spec_from_flags_splits_the_command_and_completes_the_communicator()
    {
        Assert.Equal("""{"name":"md5-sums","runtime":{"command":["etl-host","md5"]},"communication":"ws://"}""",
            SpecSource.FromFlags("md5-sums", "ws", image: null, "etl-host  md5"));
        Assert.Equal("""{"name":"from-image","runtime":{"image":"oais/etl-host:latest"}}""",
            SpecSource.FromFlags("from-image", communication: null, "oais/etl-host:latest", command: null));
    }
}
