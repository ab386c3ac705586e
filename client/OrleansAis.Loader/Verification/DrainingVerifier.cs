using OrleansAis.Loader.Http;

namespace OrleansAis.Loader.Verification;

/// <summary>No checking: bodies are read to the end and counted.</summary>
internal sealed class DrainingVerifier(string method, string? note) : IReadVerifier
{
    public string Method { get; } = method;
    public string? Note { get; } = note;

    public ObjectClient.BodyReader<ReadVerdict> ReaderFor(int index) =>
        async (_, body, ct) => (await BodyConsumer.DrainAsync(body, ct), ReadVerdict.Unverified);
}
