using OrleansAis.Storage;

namespace OrleansAis.Etl.Communicators;

/// <summary>
/// How a silo hands one object to its transformer and gets the result back (AIStore's communication types).
/// One implementation per type; <see cref="CommunicatorFactory"/> picks by the spec.
/// </summary>
public interface IEtlCommunicator : IAsyncDisposable
{
    EtlCommunication Kind { get; }

    /// <summary>
    /// Transforms <paramref name="job"/>: the result is streamed into <paramref name="output"/>, or, with a direct-put
    /// destination, delivered there by the transformer. Failures are <see cref="OaisException"/>s with
    /// <see cref="OaisErrorCode.TransformFailed"/> carrying the transformer's message.
    /// </summary>
    Task<TransformOutcome> TransformAsync(TransformJob job, Stream output, CancellationToken ct);
}

/// <summary>One object to transform on this node.</summary>
public sealed class TransformJob
{
    public required string Bucket { get; init; }
    public required string Name { get; init; }
    public string? EtlArgs { get; init; }
    /// <summary>The local object, opened (its bytes for push types, its data file path for fqn).</summary>
    public required ObjectReader Source { get; init; }
    /// <summary>Where the transformer should PUT the result itself (direct put), e.g. the destination owner's guarded URL.</summary>
    public string? DirectPutUrl { get; init; }
    /// <summary>
    /// A pipeline stage after the first: the previous stage's output as it is produced (length unknown) is the input,
    /// not <see cref="Source"/>'s bytes; <see cref="Source"/> still names the object.
    /// </summary>
    public Stream? Input { get; init; }
    /// <summary>With <see cref="Input"/>, for a transformer that fetches its input (hpull, hrev): the token under which this node serves it.</summary>
    public string? InputToken { get; init; }

    /// <summary>Whether the transformer reads the object's file itself: fqn, and only for the stored object (a pipeline's first stage).</summary>
    public bool ReadsFile(EtlSpec spec) => spec.UsesFqn && Input is null;

    /// <summary>The same object for one stage of a pipeline: its args, its input (null: the stored object) and destination.</summary>
    public TransformJob ForStage(string? etlArgs, Stream? input, string? inputToken, string? directPutUrl) => new()
    {
        Bucket = Bucket, Name = Name, Source = Source, EtlArgs = etlArgs, Input = input, InputToken = inputToken, DirectPutUrl = directPutUrl,
    };

    /// <summary>The bytes to transform: <see cref="Input"/>, else the stored object.</summary>
    public Stream OpenInput() => Input ?? Source.OpenContent();
}

/// <summary>What came out: bytes written to the output, or bytes the transformer delivered by direct put.</summary>
public readonly record struct TransformOutcome(long Bytes, bool DirectPut);

/// <summary>Where a communicator reaches its transformer and how the ETL is set up.</summary>
public sealed class CommunicatorContext
{
    public required EtlSpec Spec { get; init; }
    public required string NodeId { get; init; }
    /// <summary>Base URL of the transformer's server (none for io://).</summary>
    public Uri? Endpoint { get; init; }
    /// <summary>The transformer's Unix socket: requests to <see cref="Endpoint"/> go over it when set.</summary>
    public string? Socket { get; init; }
    public required Runtimes.ITransformerInstance Instance { get; init; }
}
