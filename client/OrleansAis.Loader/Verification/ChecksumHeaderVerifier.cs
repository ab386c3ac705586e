using OrleansAis.Loader.Http;

namespace OrleansAis.Loader.Verification;

/// <summary>
/// Plain GETs: the xxhash64 of the body must equal the checksum the loader stored with the object
/// (<see cref="LoaderMetadata.ChecksumHeader"/>), or for objects someone else wrote, the store's own checksum header.
/// Works for objects written by earlier runs with other seeds too: the expectation travels with the object.
/// </summary>
internal sealed class ChecksumHeaderVerifier : IReadVerifier
{
    public string Method => "xxhash64";
    public string? Note => null;

    public ObjectClient.BodyReader<ReadVerdict> ReaderFor(int index) => ReadAsync;

    private static async Task<(long, ReadVerdict)> ReadAsync(HttpResponseMessage response, Stream body, CancellationToken ct)
    {
        var expected = Header(response, LoaderMetadata.ChecksumHeader) ?? Header(response, LoaderMetadata.StoreChecksumHeader);
        var (bytes, actual) = await BodyConsumer.HashAsync(body, ct);
        if (expected is null) return (bytes, ReadVerdict.Unverified);
        return string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase)
            ? (bytes, ReadVerdict.Verified)
            : (bytes, ReadVerdict.Wrong($"xxhash64 of {bytes} bytes read is {actual}, the object's checksum is {expected}"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()?.Trim()
            : null;
}
