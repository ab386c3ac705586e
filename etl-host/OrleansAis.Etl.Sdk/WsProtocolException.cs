namespace OrleansAis.Etl.Sdk;

/// <summary>The peer broke the ws framing (wrong message type, bad control JSON): the connection is closed.</summary>
internal sealed class WsProtocolException(string message) : Exception(message);
