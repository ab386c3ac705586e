using System.Diagnostics;
using OrleansAis.Loader.Http;
using OrleansAis.Loader.Stats;
using OrleansAis.Loader.Verification;

namespace OrleansAis.Loader.Workload;

/// <summary>
/// One PUT, GET or DELETE of an object of the set, timed and recorded: successes in the stats, failures in the stats
/// and the failure log. Transport failures are reported to <see cref="TransportFailed"/> (normal mode stops on them).
/// </summary>
internal sealed class ObjectOperations(
    ObjectClient client,
    ObjectSet objects,
    FingerprintCache fingerprints,
    ObjectCatalog catalog,
    IReadVerifier verifier,
    string? etlName,
    RunStats stats)
{
    public event Action<string>? TransportFailed;

    public async Task PutAsync(int index, OperationKind kind, CancellationToken abort)
    {
        var name = objects.NameOf(index);
        // Outside the timing: the checksum is computed once per name (generating the content), not per PUT.
        var fingerprint = fingerprints.Get(index);
        var custom = new Dictionary<string, string> { [LoaderMetadata.ChecksumKey] = fingerprint.Xxh64 };
        var start = Stopwatch.GetTimestamp();
        var outcome = await client.PutAsync(name, new GeneratedContent(objects.ContentSeed(index), fingerprint.Size), custom, expectedChecksum: fingerprint.Xxh64, abort);
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (!outcome.Succeeded)
        {
            Fail(kind, name, outcome.ErrorKind!, outcome.ErrorDetail!, outcome.Endpoint, wrongRead: false);
            return;
        }
        catalog.MarkWritten(index);
        stats.For(kind).Success(fingerprint.Size, elapsed);
    }

    public async Task GetAsync(int index, CancellationToken abort)
    {
        var name = objects.NameOf(index);
        var reader = verifier.ReaderFor(index);
        var start = Stopwatch.GetTimestamp();
        var outcome = await client.GetAsync(name, etlName, reader, abort);
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (!outcome.Succeeded)
        {
            Fail(OperationKind.Get, name, outcome.ErrorKind!, outcome.ErrorDetail!, outcome.Endpoint, wrongRead: false);
            return;
        }
        switch (outcome.Value.Kind)
        {
            case VerdictKind.Wrong:
                Fail(OperationKind.Get, name, ErrorKinds.WrongContent, outcome.Value.Detail!, outcome.Endpoint, wrongRead: true);
                return;
            case VerdictKind.Verified:
                stats.Verification.CountVerified();
                break;
            default:
                stats.Verification.CountUnverified();
                break;
        }
        stats.Get.Success(outcome.Bytes, elapsed);
    }

    public async Task<bool> DeleteAsync(int index, CancellationToken abort)
    {
        var name = objects.NameOf(index);
        var start = Stopwatch.GetTimestamp();
        var outcome = await client.DeleteAsync(name, abort);
        if (!outcome.Succeeded)
        {
            Fail(OperationKind.Delete, name, outcome.ErrorKind!, outcome.ErrorDetail!, outcome.Endpoint, wrongRead: false);
            return false;
        }
        stats.Delete.Success(0, Stopwatch.GetElapsedTime(start));
        return true;
    }

    private void Fail(OperationKind kind, string name, string errorKind, string detail, Uri endpoint, bool wrongRead)
    {
        stats.For(kind).Failure(errorKind);
        stats.Failures.Add(new Failure(DateTimeOffset.UtcNow, stats.Elapsed, kind, name, errorKind, detail, endpoint.ToString(), wrongRead));
        if (!wrongRead && !errorKind.StartsWith("HTTP ", StringComparison.Ordinal) && errorKind != ErrorKinds.Aborted)
            TransportFailed?.Invoke($"{kind.ToString().ToUpperInvariant()} {name} on {endpoint}: {errorKind} ({detail})");
    }
}
