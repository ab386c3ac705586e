namespace OrleansAis.Loader.Http;

/// <summary>One entry of a bucket listing.</summary>
internal sealed record ListedObject(string Name, long Size, string Checksum);
