using System.Net;

namespace OrleansAis.Etl.Sdk;

/// <summary>A failed object with the HTTP status the host answers (other exceptions answer 500).</summary>
public sealed class TransformerException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
