using System.Net;
using System.Security.Cryptography;
using System.Text;
using OrleansAis.EndToEnd.Tests.S3;
using OrleansAis.Tests;
using Xunit.Abstractions;

namespace OrleansAis.EndToEnd.Tests.Reliability;

/// <summary>Two silos with an S3 key: every case runs against both, so requests for objects owned by the other silo are
/// routed (redirected or proxied) too.</summary>
public sealed class BadInputCluster() : S3Cluster(2)
{
    // Most S3 cases are raw unsigned requests, malformed in ways no signer would produce: let them reach the parsers.
    protected override IEnumerable<string> S3Args => ["--S3:AllowAnonymous=true"];
}

/// <summary>
/// The bad-input suite: every request of <see cref="BadInputCases"/> is sent, by hand over TCP, to each silo of a seeded
/// two-silo cluster. Each must get a 4xx whose body names the problem; afterwards the store must be exactly as seeded
/// (buckets, listings, MD5 of every object through every silo, ETLs, jobs, files on disk) and no file may exist whose
/// name carries the escape marker anywhere outside the objects' hashed paths.
/// </summary>
public sealed class BadInputTests(BadInputCluster cluster, ITestOutputHelper output) : IClassFixture<BadInputCluster>
{
    private static readonly string Marker = "oais-escape-" + Guid.NewGuid().ToString("N")[..8];

    private readonly BadInputSeed _seed = new("seed-a", "seed-b", "seed-empty", "data/1k.bin", "empty.txt",
        S3Cluster.AccessKey, S3Cluster.SecretKey, Marker);

    [Fact]
    public async Task HostileRequestsGetA4xxNamingTheProblemAndLeaveTheStoreUnchanged()
    {
        await SeedAsync();
        var before = await StoreSnapshot.TakeAsync(cluster);
        await ControlRequestsSucceedAsync();

        var failures = new List<string>();
        var tried = new Dictionary<string, int>();
        var statuses = new Dictionary<int, int>();
        var unanswered = 0;
        foreach (var silo in cluster.Silos)
        {
            var seed = _seed with { Host = silo.HttpUrl.Authority };
            foreach (var badInput in BadInputCases.All)
            {
                var request = badInput.Build(seed);
                var response = await SendFollowingRedirectAsync(silo.HttpUrl, request);
                tried[badInput.Category] = tried.GetValueOrDefault(badInput.Category) + 1;
                if (response.Answered) statuses[response.Status] = statuses.GetValueOrDefault(response.Status) + 1;
                else unanswered++;
                if (Problem(badInput, response) is { } problem)
                    failures.Add($"[{badInput} via {silo.NodeId}] {problem}\n    request: {request.Describe()}\n    answer: {response}");
            }
        }

        var after = await StoreSnapshot.TakeAsync(cluster);
        var changes = after.ChangesSince(before).Concat(StrayFiles().Select(f => "+ stray file " + f)).ToList();

        output.WriteLine($"Bad-input suite: {BadInputCases.All.Count} cases x {cluster.Silos.Count} silos = {tried.Values.Sum()} hostile requests");
        foreach (var (category, count) in tried) output.WriteLine($"  {category,-36} {count,4}");
        output.WriteLine($"  answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}" +
                         (unanswered > 0 ? $", no answer x{unanswered} (truncated bodies only)" : ""));
        output.WriteLine($"  4xx: {statuses.Where(s => s.Key is >= 400 and < 500).Sum(s => s.Value)}, other answers: {statuses.Where(s => s.Key is < 400 or >= 500).Sum(s => s.Value)}");
        output.WriteLine($"  cases refused by Kestrel's HTTP parser (status checked, no body to check): {BadInputCases.All.Count(c => c.Mentions.Length == 0 && !c.Truncated)}");
        output.WriteLine($"  failing cases: {failures.Count}");
        output.WriteLine($"  store changes: {changes.Count} (snapshot of {before.Lines.Count} lines: buckets, listings and MD5s via every silo, ETLs, jobs, files)");
        foreach (var change in changes) output.WriteLine("    " + change);
        foreach (var failure in failures) output.WriteLine(failure);
        if (failures.Count > 0 || changes.Count > 0)
        {
            foreach (var silo in cluster.Silos)
            {
                var errors = silo.Output.Split('\n').Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("Exception")).Take(40);
                output.WriteLine($"--- {silo.NodeId} (running: {silo.IsRunning}) errors:\n" + string.Join("\n", errors));
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {tried.Values.Sum()} hostile requests were answered wrongly:\n" + string.Join("\n", failures));
        Assert.True(changes.Count == 0, "the store changed:\n" + string.Join("\n", changes));
    }

    /// <summary>Null when the answer is right for the case, else what is wrong with it.</summary>
    private static string? Problem(BadInputCase badInput, RawResponse response)
    {
        if (!response.Answered) return badInput.Truncated ? null : "the connection closed without an answer";
        if (response.Status is < 400 or >= 500) return $"status {response.Status}, expected a 4xx";
        if (badInput.Status is { } expected && response.Status != expected) return $"status {response.Status}, expected {expected}";
        if (badInput.Mentions.Length > 0 && !badInput.Mentions.Any(m => response.Body.Contains(m, StringComparison.OrdinalIgnoreCase)))
            return $"the answer names none of: {string.Join(", ", badInput.Mentions.Select(m => $"'{m}'"))}";
        return null;
    }

    /// <summary>A client follows a 307 to the owner; so does the suite, once, with the same raw request.</summary>
    private static async Task<RawResponse> SendFollowingRedirectAsync(Uri silo, RawRequest request)
    {
        var response = await RawHttp.SendAsync(silo, request);
        if (response.Status != 307 || !response.Headers.TryGetValue("Location", out var location)) return response;
        var owner = new Uri(location);
        return await RawHttp.SendAsync(new Uri(owner.GetLeftPart(UriPartial.Authority)), request with { Target = owner.PathAndQuery });
    }

    /// <summary>The seed: three buckets, objects of several names and sizes spread over both silos.</summary>
    private async Task SeedAsync()
    {
        foreach (var bucket in new[] { _seed.Bucket, _seed.OtherBucket, _seed.EmptyBucket })
        {
            using var created = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, $"/v1/buckets/{bucket}"), null);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var objects = new (string Bucket, string Name, byte[] Content)[]
        {
            (_seed.Bucket, _seed.Object1K, PatternStream.Bytes(1000, 1)),
            (_seed.Bucket, _seed.EmptyObject, []),
            (_seed.Bucket, "data/64k.bin", PatternStream.Bytes(64 << 10, 2)),
            (_seed.Bucket, "nested/deep/name with spaces.txt", "spaces"u8.ToArray()),
            (_seed.Bucket, "unicode/grüße-€.txt", "unicode"u8.ToArray()),
            (_seed.Bucket, "a//double-slash", "S3 keys may have empty segments"u8.ToArray()),
            (_seed.Bucket, "percent%2e%2ename", "a literal percent sign is just a character"u8.ToArray()),
        }.Concat(Enumerable.Range(0, 6).Select(i => (_seed.OtherBucket, $"b/{i}", PatternStream.Bytes(100 + i, (ulong)(10 + i)))));
        foreach (var (bucket, name, content) in objects)
        {
            var path = $"/v1/objects/{bucket}/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}";
            using var put = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, path), new ByteArrayContent(content));
            Assert.True(put.IsSuccessStatusCode, $"seeding {bucket}/{name}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// Well-formed requests through the same raw client and signer succeed, so the hostile ones fail for what is wrong
    /// with them and not for a flaw of the harness.
    /// </summary>
    private async Task ControlRequestsSucceedAsync()
    {
        var expected = Convert.ToHexStringLower(MD5.HashData(PatternStream.Bytes(1000, 1)));
        foreach (var silo in cluster.Silos)
        {
            var host = silo.HttpUrl.Authority;
            var signed = await RawHttp.SendAsync(silo.HttpUrl, RawS3Signer.Sign(RawRequest.Of("GET", $"/{_seed.Bucket}/{_seed.Object1K}"), host, _seed.AccessKey, _seed.SecretKey));
            Assert.True(signed.Status == 200 && signed.Body.Length > 0, $"signed GET via {silo.NodeId}: {signed}");
            var signedHead = await RawHttp.SendAsync(silo.HttpUrl, RawS3Signer.Sign(RawRequest.Of("HEAD", $"/{_seed.Bucket}/{_seed.Object1K}"), host, _seed.AccessKey, _seed.SecretKey));
            Assert.Equal(200, signedHead.Status);
            var ranged = await RawHttp.SendAsync(silo.HttpUrl, RawRequest.Of("GET", $"/v1/objects/{_seed.Bucket}/{_seed.Object1K}?proxy=true", null, ("Range", "bytes=990-")));
            Assert.True(ranged.Status == 206 && ranged.Headers["Content-Length"] == "10", $"ranged GET via {silo.NodeId}: {ranged}");
            var literal = await RawHttp.SendAsync(silo.HttpUrl, RawRequest.Of("GET", $"/{_seed.Bucket}/percent%252e%252ename"));
            Assert.True(literal.Status == 200, $"GET of a name with literal '%2e' via {silo.NodeId}: {literal}");
        }
        using var http = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, $"/v1/objects/{_seed.Bucket}/{_seed.Object1K}"));
        Assert.Equal(expected, Convert.ToHexStringLower(MD5.HashData(await http.Content.ReadAsByteArrayAsync())));
    }

    /// <summary>
    /// Files named after the marker: object files are named by hash, so any such file was written by following a
    /// hostile name. Looked for under the cluster's folder and where an escape from a mountpath would land.
    /// </summary>
    private IEnumerable<string> StrayFiles()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 6, AttributesToSkip = 0 };
        var shallow = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 1, AttributesToSkip = 0 };
        var places = new[] { (cluster.Root, options), (Path.GetTempPath(), shallow), ("/etc", shallow), ("/", new EnumerationOptions { IgnoreInaccessible = true }) }
            .Concat(cluster.Silos.Select(s => (Path.GetDirectoryName(s.DataDirectory)!, shallow)));
        return places.Where(p => Directory.Exists(p.Item1))
            .SelectMany(p => Directory.EnumerateFileSystemEntries(p.Item1, $"*{Marker}*", p.Item2))
            .Distinct().ToList();
    }
}
