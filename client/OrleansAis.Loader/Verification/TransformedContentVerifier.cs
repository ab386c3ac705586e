using OrleansAis.Loader.Http;
using OrleansAis.Loader.Options;

namespace OrleansAis.Loader.Verification;

/// <summary>
/// GETs through a built-in transformer whose output follows from the original content: echo returns it unchanged
/// (compare xxhash64), md5 and sha256 return its hex digest (compare text).
/// </summary>
internal sealed class TransformedContentVerifier(BuiltinTransform transform, ExpectedContent expected) : IReadVerifier
{
    private const int DigestHeadBytes = 256;

    public string Method { get; } = EtlSelection.Lower(transform);

    public string? Note => null;

    public static bool Supports(BuiltinTransform transform) =>
        transform is BuiltinTransform.Echo or BuiltinTransform.Md5 or BuiltinTransform.Sha256;

    public ObjectClient.BodyReader<ReadVerdict> ReaderFor(int index)
    {
        var original = expected.For(index);
        return async (_, body, ct) =>
        {
            if (original is null) return (await BodyConsumer.DrainAsync(body, ct), ReadVerdict.Unverified);
            if (transform == BuiltinTransform.Echo)
            {
                var (bytes, actual) = await BodyConsumer.HashAsync(body, ct);
                return (bytes, actual == original.Xxh64 && bytes == original.Size
                    ? ReadVerdict.Verified
                    : ReadVerdict.Wrong($"echo returned {bytes} bytes with xxhash64 {actual}; the original has {original.Size} bytes, {original.Xxh64}"));
            }
            var digest = transform == BuiltinTransform.Md5 ? original.Md5! : original.Sha256!;
            var (length, head) = await BodyConsumer.HeadTextAsync(body, DigestHeadBytes, ct);
            var returned = head.Trim();
            return (length, string.Equals(returned, digest, StringComparison.OrdinalIgnoreCase)
                ? ReadVerdict.Verified
                : ReadVerdict.Wrong($"{Method} returned '{Shorten(returned)}' ({length} bytes); the original's {Method} is {digest}"));
        };
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
