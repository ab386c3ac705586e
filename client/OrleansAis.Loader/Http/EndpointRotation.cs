namespace OrleansAis.Loader.Http;

/// <summary>Spreads requests over the given silos round-robin (any silo accepts any request and routes it to the owner).</summary>
internal sealed class EndpointRotation(IReadOnlyList<Uri> endpoints)
{
    private long _next = -1;

    public IReadOnlyList<Uri> All { get; } = endpoints;

    public Uri Next() => All[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)All.Count)];
}
