using OrleansAis.Buckets;
using OrleansAis.Grains;
using OrleansAis.Objects;
using OrleansAis.Ownership;
using OrleansAis.Silo.Http.Ais;
using OrleansAis.Silo.Http.S3.Payload;
using OrleansAis.Storage;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>
/// PutObject, GetObject (one byte range), HeadObject and DeleteObject. S3 clients do not follow redirects, so a silo that
/// does not own the object proxies the request to the owner, which reads or writes its own disk.
/// </summary>
public sealed class ObjectOperations(
    OwnerRouting routing, BucketCatalog buckets, LocalObjectStore store, OwnerReads reads, IGrainFactory grains, CopyOperations copies)
{
    public async Task PutAsync(S3Request request)
    {
        request.EnsureValidObject();
        request.AllowLargeBody();
        if (await routing.ProxiedToOwnerAsync(request.Context, request.Bucket, request.Key)) return;
        if (CopyOperations.IsCopy(request))
        {
            await copies.CopyObjectAsync(request);
            return;
        }
        await buckets.Require(request.Bucket);
        var body = S3Payload.Open(request.Context, request.Caller);
        // The checksum the client sent (header or trailer) is verified as the body streams and kept with the object.
        var meta = await store.PutAsync(request.Bucket, request.Key, body.Content, S3ObjectHeaders.ReadPutOptions(request.Http, body.Length),
            () => body.Checksum(), request.Aborted);
        request.Response.Headers.ETag = meta.ETag;
        S3ObjectHeaders.WriteStoredChecksum(request.Response, meta);
    }

    /// <summary>GET and HEAD.</summary>
    public async Task GetAsync(S3Request request)
    {
        request.EnsureValidObject();
        if (await routing.ProxiedToOwnerAsync(request.Context, request.Bucket, request.Key)) return;
        await buckets.Require(request.Bucket);
        using var reader = await reads.OpenAsync(request.Bucket, request.Key);
        var meta = reader.Meta;
        if (ConditionHeaders.AnsweredRead(request.Context, meta)) return; // 304 (a failed precondition throws 412)
        ByteRange? range;
        if (request.Query("partNumber") is { } part)
        {
            range = PartRange(meta, part);
            if (request.Http.Headers.Range.Count > 0) throw S3Exception.InvalidRequest("Cannot specify both Range header and partNumber query parameter");
            // A multipart object says how many parts it has; an object written in one piece is its own part 1.
            if (meta.PartSizes is { Count: > 0 } sizes) request.Response.Headers[S3Headers.PartsCount] = sizes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            try
            {
                range = ByteRange.Parse(request.Http.Headers.Range, meta.Size);
            }
            catch (OaisException e)
            {
                throw new S3Exception(StatusCodes.Status416RangeNotSatisfiable, "InvalidRange", e.Message) { Headers = { ["Content-Range"] = $"bytes */{meta.Size}" } };
            }
        }
        S3ObjectHeaders.Write(request.Response, meta);
        S3ObjectHeaders.WriteChecksum(request.Http, request.Response, meta, wholeObject: range is null);
        S3ObjectHeaders.ApplyResponseOverrides(request);
        var (offset, length) = range is { } r ? (r.Offset, r.Length) : (0L, meta.Size);
        if (range is { } partial)
        {
            request.Response.StatusCode = StatusCodes.Status206PartialContent;
            request.Response.Headers.ContentRange = $"bytes {partial.Offset}-{partial.Last}/{meta.Size}";
        }
        request.Response.ContentLength = length;
        if (HttpMethods.IsHead(request.Http.Method)) return;
        await ObjectBody.WriteAsync(reader, offset, length, request.Response, request.Aborted);
    }

    /// <summary>
    /// The bytes of part <paramref name="text"/>: a part of a multipart object (206), or, for an object written in one
    /// piece, part 1 is the whole object (200); any other part is 416 InvalidPartNumber.
    /// </summary>
    private static ByteRange? PartRange(ObjectMeta meta, string text)
    {
        var sizes = meta.PartSizes is { Count: > 0 } parts ? parts : null;
        var count = sizes?.Count ?? 1;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1 || number > count)
            throw new S3Exception(StatusCodes.Status416RangeNotSatisfiable, "InvalidPartNumber",
                $"part '{text}' does not exist; the object has {count} part{(count == 1 ? "" : "s")}");
        if (sizes is null) return null;
        var offset = sizes.Take(number - 1).Sum();
        return new ByteRange(offset, sizes[number - 1]);
    }

    /// <summary>Deletes the object; like S3, succeeds whether or not it existed.</summary>
    public async Task DeleteAsync(S3Request request)
    {
        request.EnsureValidObject();
        // If-Match is checked on the owner under the key lock; a missing object is still a success, as in S3.
        await grains.GetGrain<IObjectGrain>(ObjectKey.Format(request.Bucket, request.Key))
            .DeleteIf(ConditionHeaders.Read(request.Http.Headers, forWrite: true));
        request.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
