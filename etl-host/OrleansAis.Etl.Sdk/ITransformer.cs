namespace OrleansAis.Etl.Sdk;

/// <summary>A transformation of one object: read <see cref="TransformRequest.Input"/>, write the result to the output.</summary>
public interface ITransformer
{
    /// <summary>
    /// Transforms one object. Stream: read the input as it arrives and write as you go; nothing needs the whole object
    /// in memory unless the transformation itself does. Throw to fail this object (the caller gets the message);
    /// throw <see cref="TransformerException"/> to choose the HTTP status as well.
    /// </summary>
    Task TransformAsync(TransformRequest request, Stream output, CancellationToken ct);
}
