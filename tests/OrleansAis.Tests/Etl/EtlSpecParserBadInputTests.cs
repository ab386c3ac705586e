using System.Text;
using OrleansAis.Etl;

namespace OrleansAis.Tests.Etl;

/// <summary>Hostile ETL specs are refused with an <see cref="OaisErrorCode.InvalidArgument"/> naming the problem, never another exception.</summary>
[Trait("Category", "Fast")]
public sealed class EtlSpecParserBadInputTests
{
    private static string ProblemOf(string spec)
    {
        var e = Assert.Throws<OaisException>(() => EtlSpecParser.Parse(spec));
        Assert.Equal(OaisErrorCode.InvalidArgument, e.Code);
        return e.Message;
    }

    [Fact]
    public void An_unclosed_flow_sequence_is_invalid_yaml() =>
        Assert.Contains("not valid YAML", ProblemOf("name: bad-yaml\nruntime:\n  command: [x\n bad"));

    [Fact]
    public void A_command_given_as_one_string_is_refused_naming_the_field()
    {
        Assert.Contains("runtime.command: must be a list of strings", ProblemOf("""{"name":"one-string","runtime":{"command":"etl-host echo"}}"""));
        Assert.Contains("runtime.command: must be a list of strings", ProblemOf("name: one-string\nruntime:\n  command: etl-host echo\n"));
    }

    [Fact]
    public void A_complex_key_is_refused() => Assert.Contains("keys must be plain names", ProblemOf("? [a, b]\n: value\nname: bad-key\n"));

    [Fact]
    public void A_duplicate_key_is_refused() => Assert.Matches("(?i)duplicate key|'name' appears twice", ProblemOf("name: one-name\nname: two-name\n"));

    [Fact]
    public void An_alias_bomb_is_refused_before_it_expands()
    {
        var text = new StringBuilder("name: alias-bomb\nruntime:\n  command: [x]\nenv:\n  a0: &a0 [x,x,x,x,x,x,x,x,x]\n");
        for (var i = 1; i < 9; i++) text.Append($"  a{i}: &a{i} [{string.Join(',', Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        Assert.Contains("more than 10000 values", ProblemOf(text.ToString()));
    }

    [Fact]
    public void Deep_nesting_is_refused() =>
        Assert.Contains("nested", ProblemOf(new string('[', 5000) + new string(']', 5000)));

    [Fact]
    public void A_small_yaml_spec_with_an_alias_still_parses()
    {
        var spec = EtlSpecParser.Parse("name: with-alias\nruntime:\n  command: &cmd [etl-host, echo]\nenv:\n  A: &v one\n  B: *v\n");
        Assert.Equal(["etl-host", "echo"], spec.Runtime.Command);
        Assert.Equal("one", spec.Env["B"]);
    }
}
