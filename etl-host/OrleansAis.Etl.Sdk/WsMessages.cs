using System.Text.Json.Serialization;

namespace OrleansAis.Etl.Sdk;

/// <summary>ws control message, one per object: which object, its args, and where its bytes and result go.</summary>
internal sealed record WsControl(
    [property: JsonPropertyName("id"), JsonRequired] long Id,
    [property: JsonPropertyName("path"), JsonRequired] string Path,
    [property: JsonPropertyName("etl_args")] string? EtlArgs,
    [property: JsonPropertyName("fqn")] string? Fqn,
    [property: JsonPropertyName("dst_url")] string? DstUrl);

/// <summary>ws status message, one per object: always says "ok" or "error" (AIStore takes any text for success).</summary>
internal sealed record WsReply(
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
internal sealed partial class WsJson : JsonSerializerContext;

/// <summary>The peer broke the ws framing (wrong message type, bad control JSON): the connection is closed.</summary>
internal sealed class WsProtocolException(string message) : Exception(message);
