using OrleansAis.Etl;

namespace OrleansAis.Tests.Etl;

/// <summary>runtime.python: parsed from YAML and JSON, and every mistake named by its field.</summary>
[Trait("Category", "Fast")]
public sealed class EtlSpecParserPythonTests
{
    private static string ProblemOf(string spec)
    {
        var e = Assert.Throws<OaisException>(() => EtlSpecParser.Parse(spec));
        Assert.Equal(OaisErrorCode.InvalidArgument, e.Code);
        return e.Message;
    }

    [Fact]
    public void A_yaml_spec_with_a_python_function_parses_without_image_or_command()
    {
        var spec = EtlSpecParser.Parse("""
            name: shout-py
            runtime:
              python:
                source: |
                  def shout(data, path, args):
                      return data.upper()
                function: shout
                packages: [pillow, "numpy>=1.26,<3", "requests[socks]"]
            """);
        var python = Assert.IsType<EtlPythonSpec>(spec.Runtime.Python);
        Assert.Equal("def shout(data, path, args):\n    return data.upper()\n", python.Source);
        Assert.Equal("shout", python.Function);
        Assert.Equal(["pillow", "numpy>=1.26,<3", "requests[socks]"], python.Packages);
        Assert.Empty(spec.Runtime.Command);
        Assert.Null(spec.Runtime.Image);
    }

    [Fact]
    public void The_function_defaults_to_transform_and_packages_may_be_one_string()
    {
        var python = EtlSpecParser.Parse("""{"name":"json-py","runtime":{"python":{"source":"x = 1","packages":"pillow numpy"}}}""").Runtime.Python!;
        Assert.Equal("transform", python.Function);
        Assert.Equal(["pillow", "numpy"], python.Packages);
    }

    [Theory]
    [InlineData("""{"source":""}""", "runtime.python.source: is required")]
    [InlineData("""{"source":"x=1","function":"2bad"}""", "runtime.python.function: '2bad' is not a Python function name")]
    [InlineData("""{"source":"x=1","packages":["--index-url=http://evil"]}""", "runtime.python.packages: '--index-url=http://evil' is not a pip requirement")]
    [InlineData("""{"source":"x=1","packages":["../local/path"]}""", "runtime.python.packages: '../local/path' is not a pip requirement")]
    [InlineData("""{"source":"x=1","packages":[1]}""", "runtime.python.packages: must be a list of strings")]
    [InlineData("""{"source":"x=1","entry":"main"}""", "runtime.python.entry: unknown field")]
    [InlineData("\"def transform(): pass\"", "runtime.python: must be an object")]
    public void A_bad_python_field_is_named(string python, string problem) =>
        Assert.Contains(problem, ProblemOf("""{"name":"bad-python","runtime":{"python":""" + python + "}}"));

    [Fact]
    public void Python_and_a_command_together_are_refused() =>
        Assert.Contains("runtime.python: give runtime.python or runtime.command, not both",
            ProblemOf("""{"name":"both-py","runtime":{"command":["etl-host","echo"],"python":{"source":"x=1"}}}"""));

    [Fact]
    public void A_source_too_large_for_the_environment_is_refused_with_the_way_out()
    {
        var source = new string('#', EtlPythonSpec.MaxSourceBytes + 1);
        var spec = "{\"name\":\"big-py\",\"runtime\":{\"python\":{\"source\":\"" + source + "\"}}}";
        Assert.Contains("build an image for larger code", ProblemOf(spec));
    }
}
