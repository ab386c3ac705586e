using OrleansAis.Loader.Workload;

namespace OrleansAis.Loader.Verification;

/// <summary>
/// The original content of an object as far as this run knows it: its own generated content when this run wrote the
/// object, or when the listing before the run showed the same checksum; otherwise unknown (another seed or writer).
/// </summary>
internal sealed class ExpectedContent(ObjectCatalog catalog, FingerprintCache fingerprints)
{
    public ContentFingerprint? For(int index)
    {
        if (catalog.WasWritten(index)) return fingerprints.Get(index);
        if (catalog.ListedChecksum(index) is not { } listed) return null;
        var own = fingerprints.Get(index);
        return string.Equals(own.Xxh64, listed, StringComparison.OrdinalIgnoreCase) ? own : null;
    }
}
