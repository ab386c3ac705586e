using System.Text.Json.Serialization;

namespace OrleansAis.Etl.Protocol;

/// <summary>ws control message, one per object: which object, its args, and where its bytes and result go.</summary>
public sealed record WsControl(
    [property: JsonPropertyName("id"), JsonRequired] long Id,
    [property: JsonPropertyName("path"), JsonRequired] string Path,
    [property: JsonPropertyName("etl_args")] string? EtlArgs,
    [property: JsonPropertyName("fqn")] string? Fqn,
    [property: JsonPropertyName("dst_url")] string? DstUrl);

/// <summary>ws status message, one per object: always says "ok" or "error" (AIStore takes any text for success).</summary>
public sealed record WsReply(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("direct_put_length")] long? DirectPutLength)
{
    public static WsReply Ok(long id, long? directPutLength) => new(id, "ok", null, directPutLength);
    public static WsReply Error(long id, string message) => new(id, "error", message, null);
}

[JsonSerializable(typeof(WsControl))]
[JsonSerializable(typeof(WsReply))]
public sealed partial class WsJson : JsonSerializerContext;
