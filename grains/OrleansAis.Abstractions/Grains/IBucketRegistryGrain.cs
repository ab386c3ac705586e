namespace OrleansAis.Grains;

/// <summary>The cluster-wide bucket registry (one activation, key <see cref="Key"/>), with persistent state.</summary>
[Alias("oais.IBucketRegistryGrain")]
public interface IBucketRegistryGrain : IGrainWithStringKey
{
    public const string Key = "buckets";

    [Alias("Create")] Task<BucketInfo> Create(string name, IReadOnlyDictionary<string, string>? properties);
    [Alias("Get")] Task<BucketInfo?> Get(string name);
    [Alias("List")] Task<IReadOnlyList<BucketInfo>> List();

    /// <summary>Deletes the bucket; refuses a non-empty one unless <paramref name="force"/>, which also deletes its objects.</summary>
    [Alias("Delete")] Task Delete(string name, bool force);
}
