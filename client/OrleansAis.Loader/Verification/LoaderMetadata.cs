using OrleansAis.Http.Contracts;

namespace OrleansAis.Loader.Verification;

/// <summary>Headers the loader writes with each object and reads back.</summary>
internal static class LoaderMetadata
{
    /// <summary>Custom metadata holding the content's xxhash64, computed by the loader (so a GET can check the store).</summary>
    public const string ChecksumKey = "Loader-Xxh64";

    public const string ChecksumHeader = OaisHeaders.MetaPrefix + ChecksumKey;

    /// <summary>The store's checksum of the object, on every GET.</summary>
    public const string StoreChecksumHeader = OaisHeaders.ChecksumValue;
}
