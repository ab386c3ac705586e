namespace OrleansAis;

[GenerateSerializer, Immutable, Alias("oais.BucketInfo")]
public sealed class BucketInfo
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public DateTimeOffset Created { get; init; }
    /// <summary>User-supplied bucket properties (free-form key/values).</summary>
    [Id(2)] public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
}
