using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OrleansAis.Etl.DataPlane;

/// <summary>
/// The inputs of pipeline stages whose transformer fetches its input itself (hpull, hrev): the previous stage's output,
/// served once, under a random token, by this node's guarded raw-object endpoint to the ETL it was registered for
/// (the transformer passes the token on as <c>oais_input</c>). How AIStore's "each stage puts to the next" becomes
/// possible for a transformer that pulls.
/// </summary>
public sealed class PipelineInputs
{
    private readonly ConcurrentDictionary<string, Registration> _waiting = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="input"/> for ETL <paramref name="etl"/>; disposing the registration withdraws it.</summary>
    internal Registration Register(string etl, Stream input)
    {
        var registration = new Registration(this, etl, RandomNumberGenerator.GetHexString(32, lowercase: true), input);
        _waiting[registration.Token] = registration;
        return registration;
    }

    /// <summary>The input registered under <paramref name="token"/> for <paramref name="etl"/>, once; null if none (unknown, taken, another ETL's).</summary>
    public Stream? Take(string etl, string token)
    {
        if (!_waiting.TryGetValue(token, out var registration) || registration.Etl != etl || !_waiting.TryRemove(token, out _)) return null;
        registration.Taken = true;
        return registration.Input;
    }

    internal sealed class Registration(PipelineInputs owner, string etl, string token, Stream input) : IDisposable
    {
        public string Etl { get; } = etl;
        public string Token { get; } = token;
        public Stream Input { get; } = input;
        /// <summary>Whether the transformer fetched it (if not, it transformed something else: the stored object).</summary>
        public volatile bool Taken;

        public void Dispose() => owner._waiting.TryRemove(Token, out _);
    }
}
