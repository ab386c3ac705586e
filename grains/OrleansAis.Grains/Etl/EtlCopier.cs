using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using OrleansAis.Cluster;
using OrleansAis.Etl.Communicators;
using OrleansAis.Etl.DataPlane;
using OrleansAis.Etl.Endpoints;
using OrleansAis.Storage;

namespace OrleansAis.Etl;

/// <summary>
/// Transforms a local object and delivers the result to the destination object's owner: straight from the transformer
/// when the ETL supports direct put (never back through this silo), else this silo forwards it (locally into the store,
/// or streamed over HTTP to the owner's guarded endpoint). Every destination write is atomic on its owner.
/// </summary>
public sealed class EtlCopier(EtlDataPlane etls, TransformerEndpoints endpoints, LocalObjectStore store, ClusterMap cluster, IOptions<EtlOptions> options)
{
    /// <summary>Custom metadata key naming what a transformed object was produced from (for incremental jobs).</summary>
    public const string SourceMetadataKey = "oais.etl.source";

    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>What a destination produced from this source by this ETL carries in <see cref="SourceMetadataKey"/>.</summary>
    public static string SourceMarker(string etl, string? etlArgs, ObjectMeta source) => SourceMarker(EtlPipeline.Single(etl, etlArgs), source);

    /// <summary>
    /// What a destination produced from this source by this pipeline carries in <see cref="SourceMetadataKey"/>: every
    /// stage with its args (a changed pipeline produces again), then the source version.
    /// </summary>
    public static string SourceMarker(EtlPipeline pipeline, ObjectMeta source) =>
        $"{pipeline.ProducerMarker}|{source.Bucket}/{source.Name}|v{source.Version}|{source.Checksum}";

    /// <summary>How every ETL output is written, here or by a transformer's direct put to its owner.</summary>
    public PutOptions OutputOptions(string? marker, string? contentType = null, long? expectedSize = null) => new()
    {
        ContentType = contentType, ExpectedSize = expectedSize, ContentMd5 = options.Value.Md5ETags,
        Custom = marker is null ? null : new Dictionary<string, string> { [SourceMetadataKey] = marker },
    };

    public Task<TransformOutcome> TransformToAsync(string etl, ObjectReader source, string? etlArgs,
        string dstBucket, string dstName, CancellationToken ct) =>
        TransformToAsync(EtlPipeline.Single(etl, etlArgs), source, dstBucket, dstName, ct);

    /// <summary>
    /// Runs <paramref name="source"/> through <paramref name="pipeline"/> into <c>dstBucket/dstName</c>; the last stage
    /// direct-puts when its ETL supports it.
    /// </summary>
    public async Task<TransformOutcome> TransformToAsync(EtlPipeline pipeline, ObjectReader source, string dstBucket, string dstName, CancellationToken ct)
    {
        var marker = SourceMarker(pipeline, source.Meta);
        var owner = cluster.Current.OwnerOf(dstBucket, dstName);
        var last = pipeline.Last.Etl;
        var job = new TransformJob { Bucket = source.Meta.Bucket, Name = source.Meta.Name, Source = source };
        var spec = etls.Spec(last);
        if (spec is { SupportDirectPut: true, Communication: not EtlCommunication.Io } &&
            endpoints.DirectPutUrl(last, owner, dstBucket, dstName) is { } url)
        {
            return await etls.TransformAsync(pipeline, new TransformJob
            {
                Bucket = job.Bucket, Name = job.Name, Source = source, DirectPutUrl = url + "?src=" + Uri.EscapeDataString(marker),
            }, Stream.Null, ct);
        }
        if (cluster.IsLocal(owner))
        {
            await using var writer = store.BeginWrite(dstBucket, dstName, OutputOptions(marker));
            var outcome = await etls.TransformAsync(pipeline, job, new WriterStream(writer), ct);
            await writer.CommitAsync(ct);
            return outcome;
        }
        return await ForwardAsync(pipeline, job, owner, dstBucket, dstName, marker, ct);
    }

    /// <summary>Streams the transformer's output to the owner's guarded PUT endpoint while it is produced.</summary>
    private async Task<TransformOutcome> ForwardAsync(EtlPipeline pipeline, TransformJob job, NodeInfo owner, string dstBucket, string dstName, string marker, CancellationToken ct)
    {
        var etl = pipeline.Last.Etl;
        var url = endpoints.DirectPutUrl(etl, owner, dstBucket, dstName)
            ?? throw new OaisException(OaisErrorCode.EtlNotRunning, $"ETL '{etl}' is not running on node {etls.NodeId}");
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var transform = Task.Run(async () =>
        {
            try
            {
                var outcome = await etls.TransformAsync(pipeline, job, pipe.Writer.AsStream(leaveOpen: true), cts.Token);
                await pipe.Writer.CompleteAsync();
                return outcome;
            }
            catch (Exception e)
            {
                // Fails the upload: the owner never commits a partial result.
                await pipe.Writer.CompleteAsync(e);
                throw;
            }
        }, CancellationToken.None);
        using var request = new HttpRequestMessage(HttpMethod.Put, url + "?src=" + Uri.EscapeDataString(marker))
        {
            Content = new StreamContent(pipe.Reader.AsStream()),
        };
        try
        {
            using var response = await Http.SendAsync(request, cts.Token);
            if (!response.IsSuccessStatusCode)
                // 503: the owner cannot take it now (it is starting, or handing over); a job tries again.
                throw new OaisException(response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable ? OaisErrorCode.Unavailable : OaisErrorCode.TransformFailed,
                    $"destination owner {owner.NodeId} refused '{dstBucket}/{dstName}': {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
        catch when (!transform.IsCompleted)
        {
            await cts.CancelAsync();
            try { await transform; } catch { /* the upload error is the one to report */ }
            throw;
        }
        catch (HttpRequestException) when (transform.IsFaulted)
        {
            await transform; // rethrows the transformer's error, which is the cause
            throw;
        }
        return await transform;
    }

    /// <summary>Adapts an <see cref="ObjectWriter"/> to the Stream a communicator writes into.</summary>
    private sealed class WriterStream(ObjectWriter writer) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => writer.BytesWritten;
        public override long Position { get => writer.BytesWritten; set => throw new NotSupportedException(); }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => writer.WriteAsync(buffer, ct);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            writer.WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => writer.WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
