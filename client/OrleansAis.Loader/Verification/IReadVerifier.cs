using OrleansAis.Loader.Http;

namespace OrleansAis.Loader.Verification;

/// <summary>How a run checks GET bodies; chosen once per run by <see cref="ReadVerifiers.For"/>.</summary>
internal interface IReadVerifier
{
    /// <summary>Short name for the report: off, xxhash64, echo, md5, sha256, skipped.</summary>
    string Method { get; }

    /// <summary>Why verification is off or partial, for the report; null when nothing needs saying.</summary>
    string? Note { get; }

    /// <summary>
    /// The body reader for one GET of object <paramref name="index"/>. Called before the request is sent, so what
    /// is expected is fixed before any concurrent PUT can change what the run knows about the object.
    /// </summary>
    ObjectClient.BodyReader<ReadVerdict> ReaderFor(int index);
}
