using OrleansAis.Storage;

namespace OrleansAis.Tests.Storage;

/// <summary>Conditions are evaluated as S3 does, and writes check theirs at commit, under the key lock.</summary>
[Trait("Category", "Fast")]
public sealed class ConditionalWriteTests : IDisposable
{
    private readonly TestStore _test = new();
    private LocalObjectStore Store => _test.Store;

    public void Dispose() => _test.Dispose();

    private Task<ObjectMeta> Put(string name, byte[] content, ObjectCondition? condition = null) =>
        Store.PutAsync("b", name, new MemoryStream(content), new PutOptions { Condition = condition });

    private static readonly ObjectMeta Current = new()
    {
        Bucket = "b", Name = "x", Checksum = "0123456789abcdef", Md5 = "00112233445566778899aabbccddeeff",
        Modified = new DateTimeOffset(2024, 5, 1, 12, 0, 30, 500, TimeSpan.Zero),
    };

    [Theory]
    // If-Match
    [InlineData("\"00112233445566778899aabbccddeeff\"", null, null, null, ConditionOutcome.Proceed)]
    [InlineData("00112233445566778899aabbccddeeff", null, null, null, ConditionOutcome.Proceed)]
    [InlineData("\"other\", \"00112233445566778899aabbccddeeff\"", null, null, null, ConditionOutcome.Proceed)]
    [InlineData("*", null, null, null, ConditionOutcome.Proceed)]
    [InlineData("\"other\"", null, null, null, ConditionOutcome.PreconditionFailed)]
    [InlineData("W/\"00112233445566778899aabbccddeeff\"", null, null, null, ConditionOutcome.PreconditionFailed)]
    // If-None-Match
    [InlineData(null, "\"00112233445566778899aabbccddeeff\"", null, null, ConditionOutcome.NotModified)]
    [InlineData(null, "*", null, null, ConditionOutcome.NotModified)]
    [InlineData(null, "\"other\"", null, null, ConditionOutcome.Proceed)]
    // If-Modified-Since / If-Unmodified-Since, to the second of Last-Modified
    [InlineData(null, null, "2024-05-01T12:00:30Z", null, ConditionOutcome.NotModified)]
    [InlineData(null, null, "2024-05-01T12:00:29Z", null, ConditionOutcome.Proceed)]
    [InlineData(null, null, null, "2024-05-01T12:00:30Z", ConditionOutcome.Proceed)]
    [InlineData(null, null, null, "2024-05-01T12:00:29Z", ConditionOutcome.PreconditionFailed)]
    // S3's precedence: a true If-Match beats a false If-Unmodified-Since; a false If-None-Match beats a true If-Modified-Since
    [InlineData("\"00112233445566778899aabbccddeeff\"", null, null, "2024-05-01T12:00:29Z", ConditionOutcome.Proceed)]
    [InlineData(null, "\"00112233445566778899aabbccddeeff\"", "2024-05-01T12:00:00Z", null, ConditionOutcome.NotModified)]
    [InlineData(null, "\"other\"", "2024-05-01T12:00:31Z", null, ConditionOutcome.Proceed)]
    public void Reads_are_evaluated_as_s3_does(string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince, ConditionOutcome expected)
    {
        var condition = new ObjectCondition
        {
            IfMatch = ifMatch, IfNoneMatch = ifNoneMatch,
            IfModifiedSince = ifModifiedSince is null ? null : DateTimeOffset.Parse(ifModifiedSince),
            IfUnmodifiedSince = ifUnmodifiedSince is null ? null : DateTimeOffset.Parse(ifUnmodifiedSince),
        };
        Assert.Equal(expected, condition.Evaluate(Current, isRead: true));
    }

    [Fact]
    public void On_writes_a_matching_if_none_match_fails_and_nothing_matches_a_missing_object()
    {
        Assert.Equal(ConditionOutcome.PreconditionFailed, new ObjectCondition { IfNoneMatch = "*" }.Evaluate(Current, isRead: false));
        Assert.Equal(ConditionOutcome.Proceed, new ObjectCondition { IfNoneMatch = "*" }.Evaluate(null, isRead: false));
        Assert.Equal(ConditionOutcome.PreconditionFailed, new ObjectCondition { IfMatch = "*" }.Evaluate(null, isRead: false));
    }

    [Fact]
    public async Task A_create_only_write_that_lost_the_race_while_streaming_fails_at_commit_and_changes_nothing()
    {
        await using var late = Store.BeginWrite("b", "x", new PutOptions { Condition = new ObjectCondition { IfNoneMatch = "*" } });
        await late.WriteAsync(new byte[] { 1, 2, 3 });
        var winner = await Put("x", [9, 9]); // commits while the first upload is still streaming

        var error = await Assert.ThrowsAsync<OaisException>(() => late.CommitAsync());
        Assert.Equal(OaisErrorCode.PreconditionFailed, error.Code);
        Assert.Contains("If-None-Match: *", error.Message);
        Assert.Equal(winner.ETag, Store.Head("b", "x")!.ETag);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Store.MountpathOf("b", "x"), LocalObjectStore.TempFolder)));
    }

    [Fact]
    public async Task If_match_writes_and_deletes_check_the_current_etag()
    {
        var first = await Put("x", [1]);
        var stale = new ObjectCondition { IfMatch = first.ETag };
        var second = await Put("x", [2], stale);
        Assert.Equal(OaisErrorCode.PreconditionFailed, (await Assert.ThrowsAsync<OaisException>(() => Put("x", [3], stale))).Code);
        Assert.Equal(OaisErrorCode.ObjectNotFound, (await Assert.ThrowsAsync<OaisException>(() => Put("missing", [3], stale))).Code);

        Assert.Equal(OaisErrorCode.PreconditionFailed,
            (await Assert.ThrowsAsync<OaisException>(() => Store.DeleteAsync("b", "x", condition: stale))).Code);
        Assert.Equal(second.ETag, Store.Head("b", "x")!.ETag);
        Assert.True(await Store.DeleteAsync("b", "x", condition: new ObjectCondition { IfMatch = second.ETag }));
        Assert.Null(Store.Head("b", "x"));
    }
}
