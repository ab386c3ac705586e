namespace OrleansAis.Tests.Storage;

/// <summary>Objects far larger than any buffer stream through the store without the process growing by their size.</summary>
public sealed class LargeObjectStreamingTests : IDisposable
{
    private const long Size = 300L << 20; // > 256 MiB
    private readonly TestStore _test = new(mountpaths: 1);

    public void Dispose() => _test.Dispose();

    [Fact]
    public async Task A_300_MiB_object_is_written_and_read_back_with_bounded_memory()
    {
        await using var memory = new MemorySampler();

        var meta = await _test.Store.PutAsync("big", "blob", new PatternStream(Size, seed: 42), PutOptions.Default);
        Assert.Equal(Size, meta.Size);

        using var reader = _test.Store.OpenRead("big", "blob")!;
        var verifier = new PatternVerifier(seed: 42);
        await using (var content = reader.OpenContent()) await content.CopyToAsync(verifier, 1 << 20);
        Assert.Equal(Size, verifier.Written);
        Assert.Equal(-1, verifier.FirstMismatch);
        Assert.True(await reader.VerifyAsync());

        // Streaming keeps the growth to a few buffers; buffering the object would add 300 MiB.
        Assert.True(memory.GrowthBytes < 128L << 20, $"working set grew by {memory.GrowthBytes >> 20} MiB while streaming {Size >> 20} MiB");
    }
}
