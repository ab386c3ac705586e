using Microsoft.Extensions.Options;
using OrleansAis.Status;

namespace OrleansAis.Tests.Status;

/// <summary>A status call to a node answers, or says why it did not, within the bound; answers about the request pass through.</summary>
[Trait("Category", "Fast")]
public sealed class NodeCallsTests
{
    private static readonly NodeCalls Calls = new(Options.Create(new StatusOptions { NodeTimeout = TimeSpan.FromMilliseconds(200) }));

    [Fact]
    public async Task An_answer_is_passed_on()
    {
        var answer = await Calls.Ask("n1", () => Task.FromResult(42));
        Assert.True(answer.Answered);
        Assert.Equal(42, answer.Value);
    }

    [Fact]
    public async Task A_call_that_hangs_is_unreachable_once_the_bound_passes()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answer = await Calls.Ask("n1", () => new TaskCompletionSource<int>().Task);
        Assert.False(answer.Answered);
        Assert.Contains("node n1 did not answer within 0.2 s", answer.Unreachable);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_rejected_call_is_unreachable_with_the_reason()
    {
        var answer = await Calls.Ask<int>("n2", () => throw new Orleans.Runtime.SiloUnavailableException("silo S is dead"));
        Assert.False(answer.Answered);
        Assert.Contains("node n2 is not reachable: silo S is dead", answer.Unreachable);
    }

    [Fact]
    public async Task An_error_about_the_request_is_not_taken_for_an_unreachable_node()
    {
        await Assert.ThrowsAsync<OaisException>(() => Calls.Ask<int>("n3", () => throw OaisException.EtlNotFound("some-etl")));
        var unavailable = await Calls.Ask<int>("n3", () => throw new OaisException(OaisErrorCode.Unavailable, "node n3 is not active"));
        Assert.False(unavailable.Answered);
    }

    [Fact]
    public void The_bound_must_be_positive() =>
        Assert.Contains("Status:NodeTimeout", Assert.Single(new StatusOptions { NodeTimeout = TimeSpan.Zero }.Problems()));
}
