using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansAis.Cluster;
using OrleansAis.Storage;

namespace OrleansAis.Tests.Storage;

/// <summary>A <see cref="LocalObjectStore"/> over fresh temp mountpaths, deleted on dispose.</summary>
public sealed class TestStore : IDisposable
{
    public TestStore(int mountpaths = 2)
    {
        Root = Path.Combine(Path.GetTempPath(), "oais-store-" + Guid.NewGuid().ToString("N")[..8]);
        Mountpaths = Enumerable.Range(0, mountpaths).Select(i => Path.Combine(Root, $"mp{i}")).ToList();
        Store = Open();
    }

    public string Root { get; }
    public List<string> Mountpaths { get; }
    public LocalObjectStore Store { get; private set; }

    /// <summary>A new store instance over the same folders: what a restarted silo sees.</summary>
    public LocalObjectStore Reopen() => Store = Open();

    private LocalObjectStore Open() => new(
        Options.Create(new StoreOptions { Mountpaths = Mountpaths }),
        Options.Create(new NodeOptions { Id = "test-node" }),
        new StoreMetrics(),
        NullLogger<LocalObjectStore>.Instance);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
