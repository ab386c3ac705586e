using OrleansAis.Http.Contracts;

namespace OrleansAis.Loader.Http;

/// <summary>Spreads requests over the given silos round-robin (any silo accepts any request and routes it to the owner).</summary>
internal sealed class EndpointRotation(HttpClient http, IReadOnlyList<Uri> endpoints)
{
    private long _next = -1;

    /// <summary>One API client a silo, all over the run's one <see cref="HttpClient"/>.</summary>
    public IReadOnlyList<OaisHttpClient> All { get; } = endpoints.Select(e => new OaisHttpClient(http, e)).ToList();

    public OaisHttpClient Next() => All[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)All.Count)];
}
