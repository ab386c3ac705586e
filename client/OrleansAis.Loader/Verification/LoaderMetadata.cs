namespace OrleansAis.Loader.Verification;

/// <summary>Headers the loader writes with each object and reads back.</summary>
internal static class LoaderMetadata
{
    /// <summary>Custom metadata holding the content's xxhash64, computed by the loader (so a GET can check the store).</summary>
    public const string ChecksumHeader = "X-Oais-Meta-Loader-Xxh64";

    /// <summary>Makes the store refuse a PUT whose content does not hash to this (end-to-end write check).</summary>
    public const string ExpectedChecksumHeader = "X-Oais-Checksum";

    /// <summary>The store's checksum of the object, on every GET.</summary>
    public const string StoreChecksumHeader = "X-Oais-Checksum-Value";
}
