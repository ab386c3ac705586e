namespace OrleansAis.Benchmarks.Targets;

/// <summary>A target whose objects have plain GET URLs, so any HTTP load generator (e.g. wrk) can read them too.</summary>
public interface IHttpObjectTarget : IObjectTarget
{
    Uri ObjectUrl(string name);
}
