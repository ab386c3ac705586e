namespace OrleansAis;

/// <summary>An error the caller can act on; crosses grain boundaries with its code and message intact.</summary>
[GenerateSerializer, Alias("oais.OaisException")]
public sealed class OaisException : Exception
{
    public OaisException(OaisErrorCode code, string message) : base(message) => Code = code;

    [Id(0)] public OaisErrorCode Code { get; private set; }

    public static OaisException BucketNotFound(string bucket) =>
        new(OaisErrorCode.BucketNotFound, $"bucket '{bucket}' does not exist");

    public static OaisException EtlNotFound(string name) =>
        new(OaisErrorCode.EtlNotFound, $"ETL '{name}' does not exist");

    public static OaisException ObjectNotFound(string bucket, string name) =>
        new(OaisErrorCode.ObjectNotFound, $"object '{bucket}/{name}' does not exist");
}
