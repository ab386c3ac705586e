namespace OrleansAis.Http.Contracts;

/// <summary>Every error answer of the AIS-style API: <c>{"error":{"code","message","status"}}</c>.</summary>
public sealed record ErrorDocument(ErrorDto Error);

/// <summary><see cref="Code"/> is an <see cref="OaisErrorCode"/> name; <see cref="Status"/> repeats the HTTP status.</summary>
public sealed record ErrorDto(string Code, string Message, int? Status);

/// <summary><c>GET /v1/health</c>.</summary>
public sealed record HealthDto(string Status);
