using OrleansAis.Client;
using OrleansAis.Etl;
using OrleansAis.Jobs;
using OrleansAis.Tests;

namespace OrleansAis.EndToEnd.Tests.Client;

/// <summary>Every call of <see cref="OaisClient"/> against three real silos, over HTTP and over grain calls alike.</summary>
[Collection(ClientCollection.Name)]
public sealed class ClientApiTests(ClientCluster cluster)
{
    private static string Suffix(ObjectTransport t) => t.ToString().ToLowerInvariant();

    [Theory]
    [InlineData(ObjectTransport.Http)]
    [InlineData(ObjectTransport.Grain)]
    public async Task Buckets_are_created_with_properties_listed_and_deleted(ObjectTransport transport)
    {
        var oais = cluster.Client(transport);
        var bucket = $"cb-{Suffix(transport)}";
        var created = await oais.CreateBucketAsync(bucket, new Dictionary<string, string> { ["team"] = "vision" });
        Assert.Equal("vision", created.Properties["team"]);
        var mirrored = await oais.CreateMirroredBucketAsync(bucket + "-m", copies: 2);
        Assert.Equal(2, BucketProperties.CopiesOf(mirrored));

        Assert.Equal("vision", (await oais.GetBucketAsync(bucket))!.Properties["team"]);
        Assert.Null(await oais.GetBucketAsync("cb-missing-" + Suffix(transport)));
        Assert.Contains(await oais.ListBucketsAsync(), b => b.Name == bucket + "-m" && b.Properties[BucketProperties.Copies] == "2");

        var exists = await Assert.ThrowsAsync<OaisException>(() => oais.CreateBucketAsync(bucket));
        Assert.Equal(OaisErrorCode.BucketAlreadyExists, exists.Code);
        var badCopies = await Assert.ThrowsAsync<OaisException>(() => oais.CreateMirroredBucketAsync(bucket + "-x", copies: 9));
        Assert.Equal(OaisErrorCode.InvalidArgument, badCopies.Code);

        await oais.PutObjectAsync(bucket, "o", new MemoryStream([1]));
        var notEmpty = await Assert.ThrowsAsync<OaisException>(() => oais.DeleteBucketAsync(bucket));
        Assert.Equal(OaisErrorCode.BucketNotEmpty, notEmpty.Code);
        await oais.DeleteBucketAsync(bucket, force: true);
        await oais.DeleteBucketAsync(bucket + "-m");
        Assert.Null(await oais.GetBucketAsync(bucket));
        var missing = await Assert.ThrowsAsync<OaisException>(() => oais.DeleteBucketAsync(bucket));
        Assert.Equal(OaisErrorCode.BucketNotFound, missing.Code);
    }

    [Theory]
    [InlineData(ObjectTransport.Http)]
    [InlineData(ObjectTransport.Grain)]
    public async Task Objects_are_put_with_metadata_read_whole_and_by_range_copied_listed_and_deleted(ObjectTransport transport)
    {
        var oais = cluster.Client(transport);
        var bucket = $"co-{Suffix(transport)}";
        await oais.CreateBucketAsync(bucket);
        var content = PatternStream.Bytes(3_000_000, 5);
        var put = await oais.PutObjectAsync(bucket, "dir/big.bin", new MemoryStream(content), new PutOptions
        {
            ContentType = "application/x-test", Custom = new Dictionary<string, string> { ["camera"] = "x100", ["note"] = "grüße" },
        });
        Assert.Equal(content.Length, put.Size);

        var head = await oais.HeadObjectAsync(bucket, "dir/big.bin");
        Assert.Equal((content.Length, put.Checksum, "application/x-test"), (head.Size, head.Checksum, head.ContentType));
        Assert.Equal("x100", head.Custom["camera"]);
        Assert.Equal("grüße", head.Custom["note"]);
        Assert.Equal((await oais.LocateObjectAsync(bucket, "dir/big.bin")).NodeId, head.Node);

        await using (var whole = await oais.OpenReadAsync(bucket, "dir/big.bin"))
        {
            Assert.Equal(content.Length, whole.ContentLength);
            Assert.False(whole.IsPartial);
            Assert.Equal(content, await ReadAll(whole));
        }
        await using (var part = await oais.OpenReadAsync(bucket, "dir/big.bin", range: new ObjectRange(1_000_000, 4096)))
        {
            Assert.True(part.IsPartial);
            Assert.Equal(content.AsSpan(1_000_000, 4096).ToArray(), await ReadAll(part));
        }
        await using (var tail = await oais.OpenReadAsync(bucket, "dir/big.bin", range: new ObjectRange(content.Length - 10)))
            Assert.Equal(content[^10..], await ReadAll(tail));
        var outside = await Assert.ThrowsAsync<OaisException>(() => oais.OpenReadAsync(bucket, "dir/big.bin", range: new ObjectRange(content.Length)));
        Assert.Equal(OaisErrorCode.InvalidRange, outside.Code);

        // A stream dropped after its first bytes gives its connection back; reads go on as before.
        for (var i = 0; i < 20; i++)
        {
            await using var early = await oais.OpenReadAsync(bucket, "dir/big.bin");
            var first = new byte[100];
            await early.ReadExactlyAsync(first);
            Assert.Equal(content[..100], first);
        }
        var copy = new MemoryStream();
        await oais.GetObjectAsync(bucket, "dir/big.bin", copy, offset: 10, length: 20);
        Assert.Equal(content[10..30], copy.ToArray());

        var createOnly = new PutOptions { Condition = new ObjectCondition { IfNoneMatch = "*" } };
        var exists = await Assert.ThrowsAsync<OaisException>(() => oais.PutObjectAsync(bucket, "dir/big.bin", new MemoryStream([1]), createOnly));
        Assert.Equal(OaisErrorCode.PreconditionFailed, exists.Code);
        Assert.Equal(put.Checksum, (await oais.HeadObjectAsync(bucket, "dir/big.bin")).Checksum);
        Assert.Equal(1, (await oais.PutObjectAsync(bucket, "dir/new.bin", new MemoryStream([1]), createOnly)).Size);

        var copied = await oais.CopyObjectAsync(bucket, "dir/big.bin", bucket, "copy/big.bin");
        Assert.Equal(put.Checksum, copied.Checksum);
        Assert.Equal("x100", (await oais.HeadObjectAsync(bucket, "copy/big.bin")).Custom["camera"]);

        for (var i = 0; i < 25; i++) await oais.PutObjectAsync(bucket, $"many/{i:D3}", new MemoryStream([(byte)i]));
        var page = await oais.ListObjectsAsync(bucket, new ListRequest { Prefix = "many/", PageSize = 10 });
        Assert.Equal(10, page.Entries.Count);
        Assert.NotNull(page.ContinuationToken);
        var all = await oais.EnumerateObjectsAsync(bucket, "many/").Select(e => e.Name).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"many/{i:D3}"), all);

        Assert.True(await oais.DeleteObjectAsync(bucket, "copy/big.bin"));
        Assert.False(await oais.DeleteObjectAsync(bucket, "copy/big.bin"));
        var gone = await Assert.ThrowsAsync<OaisException>(() => oais.HeadObjectAsync(bucket, "copy/big.bin"));
        Assert.Equal(OaisErrorCode.ObjectNotFound, gone.Code);
        var noBucket = await Assert.ThrowsAsync<OaisException>(() => oais.PutObjectAsync("co-none-" + Suffix(transport), "x", new MemoryStream([1])));
        Assert.Equal(OaisErrorCode.BucketNotFound, noBucket.Code);
        var badName = await Assert.ThrowsAsync<OaisException>(() => oais.HeadObjectAsync(bucket, "a/../b"));
        Assert.Equal(OaisErrorCode.InvalidName, badName.Code);
        await oais.DeleteBucketAsync(bucket, force: true);
    }

    [Theory]
    [InlineData(ObjectTransport.Http)]
    [InlineData(ObjectTransport.Grain)]
    public async Task The_etl_lifecycle_logs_metrics_inline_reads_and_copy_transform(ObjectTransport transport)
    {
        var oais = cluster.Client(transport);
        var bucket = $"ce-{Suffix(transport)}";
        var fromObject = $"upper-{Suffix(transport)}";
        var fromText = $"echo-{Suffix(transport)}";
        await oais.CreateBucketAsync(bucket);
        await oais.PutObjectAsync(bucket, "a.txt", new MemoryStream("hello etl"u8.ToArray()));

        var upper = await oais.InitEtlAsync(new EtlSpec
        {
            Name = fromObject, Communication = EtlCommunication.Hpush, InitTimeout = TimeSpan.FromMinutes(1),
            Runtime = new EtlRuntimeSpec { Command = ["etl-host", "upper"] },
        });
        var echo = await oais.InitEtlAsync($"""
            name: {fromText}
            communication: hpull://
            init_timeout: 60s
            runtime:
              command: [etl-host, echo]
            """);
        try
        {
            Assert.Equal((EtlStage.Running, 3), (upper.Stage, upper.Nodes.Count));
            Assert.Equal(EtlCommunication.Hpull, echo.Spec.Communication);
            Assert.Equal(TimeSpan.FromSeconds(60), echo.Spec.InitTimeout);
            Assert.Equal(["etl-host", "echo"], (await oais.GetEtlAsync(fromText)).Spec.Runtime.Command);
            Assert.Contains(await oais.ListEtlsAsync(), e => e.Spec.Name == fromObject && e.Stage == EtlStage.Running);

            await using (var transformed = await oais.OpenReadAsync(bucket, "a.txt", etl: fromObject))
                Assert.Equal("HELLO ETL", System.Text.Encoding.UTF8.GetString(await ReadAll(transformed)));
            var result = await oais.CopyTransformAsync(fromObject, bucket, "a.txt", bucket, "a.upper.txt");
            Assert.Equal(9, result.Bytes);
            var stored = new MemoryStream();
            await oais.GetObjectAsync(bucket, "a.upper.txt", stored);
            Assert.Equal("HELLO ETL", System.Text.Encoding.UTF8.GetString(stored.ToArray()));

            var metrics = await oais.GetEtlMetricsAsync(fromObject);
            Assert.Equal(3, metrics.Count);
            Assert.True(metrics.Sum(m => m.Counters.Objects) >= 2, "the inline read and the copy count as objects");
            var logs = await oais.GetEtlLogsAsync(fromObject, lines: 10);
            Assert.Equal(3, logs.Count);
            var oneNode = metrics[0].NodeId;
            Assert.Equal([oneNode], (await oais.GetEtlLogsAsync(fromObject, node: oneNode)).Keys);
            var noNode = await Assert.ThrowsAsync<OaisException>(() => oais.GetEtlLogsAsync(fromObject, node: "no-such-node"));
            Assert.Equal(OaisErrorCode.NodeNotFound, noNode.Code);

            Assert.Equal(EtlStage.Aborted, (await oais.StopEtlAsync(fromObject)).Stage);
            var stopped = await Assert.ThrowsAsync<OaisException>(() => oais.OpenReadAsync(bucket, "a.txt", etl: fromObject));
            Assert.Equal(OaisErrorCode.EtlNotRunning, stopped.Code);
            Assert.Equal(EtlStage.Running, (await oais.StartEtlAsync(fromObject)).Stage);

            var badSpec = await Assert.ThrowsAsync<OaisException>(() => oais.InitEtlAsync("name: x-bad\ncommunication: carrier-pigeon://\n"));
            Assert.Equal(OaisErrorCode.InvalidArgument, badSpec.Code);
            Assert.Contains("communication", badSpec.Message);
        }
        finally
        {
            await oais.DeleteEtlAsync(fromObject);
            await oais.DeleteEtlAsync(fromText);
        }
        var deleted = await Assert.ThrowsAsync<OaisException>(() => oais.GetEtlAsync(fromObject));
        Assert.Equal(OaisErrorCode.EtlNotFound, deleted.Code);
        await oais.DeleteBucketAsync(bucket, force: true);
    }

    [Theory]
    [InlineData(ObjectTransport.Http)]
    [InlineData(ObjectTransport.Grain)]
    public async Task Offline_jobs_start_report_progress_finish_and_abort(ObjectTransport transport)
    {
        var oais = cluster.Client(transport);
        var from = $"cj-{Suffix(transport)}";
        var etl = $"job-upper-{Suffix(transport)}";
        await oais.CreateBucketAsync(from);
        for (var i = 0; i < 30; i++) await oais.PutObjectAsync(from, $"in/{i:D2}.txt", new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"line {i}")));
        await oais.InitEtlAsync(new EtlSpec
        {
            Name = etl, Communication = EtlCommunication.Hpush, InitTimeout = TimeSpan.FromMinutes(1),
            Runtime = new EtlRuntimeSpec { Command = ["etl-host", "upper"] },
        });
        try
        {
            var started = await oais.StartJobAsync(new EtlJobRequest
            {
                Etl = etl, SourceBucket = from, DestinationBucket = from + "-out", Prefix = "in/", CreateDestination = true,
                ExtensionMap = new Dictionary<string, string> { ["txt"] = "up" }, Prepend = "out/", NumWorkers = 2, ContinueOnError = false,
            });
            Assert.StartsWith("job-", started.Id);
            var reports = new List<JobProgress>();
            var done = await oais.WaitJobAsync(started.Id, new SyncProgress(reports));
            Assert.Equal(JobState.Succeeded, done.State);
            Assert.Equal(30, done.Objects);
            Assert.NotEmpty(reports);
            Assert.Equal((JobState.Succeeded, 30L), (reports[^1].State, reports[^1].Objects));
            Assert.Equal(done.Request.Prepend, (await oais.GetJobAsync(started.Id)).Request.Prepend);
            Assert.Contains(await oais.ListJobsAsync(), j => j.Id == started.Id);
            var copy = new MemoryStream();
            await oais.GetObjectAsync(from + "-out", "out/in/07.up", copy);
            Assert.Equal("LINE 7", System.Text.Encoding.UTF8.GetString(copy.ToArray()));

            var dryRun = await oais.StartJobAsync(new EtlJobRequest { Etl = etl, SourceBucket = from, Mode = JobMode.DryRun });
            var aborted = await oais.AbortJobAsync(dryRun.Id);
            Assert.NotEqual(JobState.Running, (await oais.WaitJobAsync(aborted.Id)).State);
            var missing = await Assert.ThrowsAsync<OaisException>(() => oais.StartJobAsync(new EtlJobRequest { Etl = "no-such-etl", SourceBucket = from, DestinationBucket = from + "-out" }));
            Assert.Equal(OaisErrorCode.EtlNotFound, missing.Code);
        }
        finally
        {
            await oais.DeleteEtlAsync(etl);
        }
    }

    [Theory]
    [InlineData(ObjectTransport.Http)]
    [InlineData(ObjectTransport.Grain)]
    public async Task The_cluster_lists_its_nodes_with_stats_and_refuses_to_decommission_an_unknown_one(ObjectTransport transport)
    {
        var oais = cluster.Client(transport);
        var nodes = await oais.GetClusterAsync();
        Assert.Equal(cluster.Silos.Select(s => s.NodeId).Order(), nodes.Select(n => n.Node.NodeId).Order());
        Assert.All(nodes, n => Assert.Equal(NodeState.Active, n.State));
        Assert.All(nodes, n => Assert.NotEmpty(n.Mountpaths));
        Assert.Equal(3, (await oais.ListNodesAsync()).Count(n => n.HttpUrl.Length > 0));
        var unknown = await Assert.ThrowsAsync<OaisException>(() => oais.DecommissionAsync("no-such-node"));
        Assert.Equal(OaisErrorCode.NodeNotFound, unknown.Code);
    }

    [Fact]
    public async Task Over_http_every_object_request_goes_straight_to_its_owner()
    {
        var oais = cluster.HttpClient;
        await oais.CreateBucketAsync("owner-direct");
        var names = Enumerable.Range(0, 60).Select(i => $"o/{i}").ToList();
        foreach (var name in names) await oais.PutObjectAsync("owner-direct", name, new MemoryStream(PatternStream.Bytes(100, (ulong)name.Length)));
        var before = cluster.Redirects.Redirects;
        var servedBy = new Dictionary<string, string>();
        foreach (var name in names)
        {
            await using var read = await oais.OpenReadAsync("owner-direct", name);
            servedBy[name] = read.Meta.Node;
        }
        // The silos' own answer (X-Oais-Node) is the owner the client computed; nobody had to redirect.
        Assert.Equal(0, cluster.Redirects.Redirects - before);
        foreach (var name in names) Assert.Equal((await oais.LocateObjectAsync("owner-direct", name)).NodeId, servedBy[name]);
        Assert.Equal(3, servedBy.Values.Distinct().Count());
        await oais.DeleteBucketAsync("owner-direct", force: true);
    }

    [Theory]
    [InlineData(ObjectTransport.Http, false)]
    [InlineData(ObjectTransport.Http, true)]
    [InlineData(ObjectTransport.Grain, false)]
    [InlineData(ObjectTransport.Grain, true)]
    public async Task ReadMany_yields_every_object_once_with_its_bytes_ordered_or_as_reads_complete(ObjectTransport transport, bool ordered)
    {
        var oais = cluster.Client(transport);
        var bucket = $"crm-{Suffix(transport)}-{(ordered ? "o" : "u")}";
        await oais.CreateBucketAsync(bucket);
        var names = Enumerable.Range(0, 120).Select(i => $"s/{i:D4}").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (name, ct) =>
            await oais.PutObjectAsync(bucket, name, new MemoryStream(Content(name)), ct: ct));

        var shuffled = names.OrderBy(n => HashCode.Combine(n, 7)).ToList();
        var seen = new List<string>();
        await foreach (var read in oais.ReadManyAsync(bucket, shuffled, new ReadManyOptions { Parallelism = 6, Ordered = ordered }))
        {
            using (read)
            {
                var (name, content) = read;
                Assert.Equal(Content(name), await ReadAll(content));
                seen.Add(name);
            }
        }
        if (ordered) Assert.Equal(shuffled, seen);
        else Assert.Equal(names, seen.Order(StringComparer.Ordinal));

        // By prefix, ordered: name order.
        var byPrefix = new List<string>();
        await foreach (var read in oais.ReadManyAsync(bucket, "s/00", new ReadManyOptions { Parallelism = 3, Ordered = true }))
            using (read) byPrefix.Add(read.Name);
        Assert.Equal(names.Where(n => n.StartsWith("s/00", StringComparison.Ordinal)), byPrefix);

        // Stopping early cancels what is in flight and keeps nothing behind.
        var taken = 0;
        await foreach (var read in oais.ReadManyAsync(bucket, names, new ReadManyOptions { Parallelism = 8, Ordered = ordered }))
        {
            read.Dispose();
            if (++taken == 5) break;
        }
        var missing = await Assert.ThrowsAsync<OaisException>(async () =>
        {
            await foreach (var read in oais.ReadManyAsync(bucket, ["s/0001", "s/none"], new ReadManyOptions { Ordered = ordered })) read.Dispose();
        });
        Assert.Equal(OaisErrorCode.ObjectNotFound, missing.Code);
        await oais.DeleteBucketAsync(bucket, force: true);
    }

    internal static byte[] Content(string name) => PatternStream.Bytes(1000 + (int)(Ownership.Rendezvous.HashKey(name) % 3000), Ownership.Rendezvous.HashKey(name));

    internal static async Task<byte[]> ReadAll(Stream stream)
    {
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Records reports as they are made (<see cref="Progress{T}"/> would post them later, to a thread-pool thread).</summary>
    private sealed class SyncProgress(List<JobProgress> reports) : IProgress<JobProgress>
    {
        public void Report(JobProgress value)
        {
            lock (reports) reports.Add(value);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClientCollection : ICollectionFixture<ClientCluster>
{
    public const string Name = "client-cluster";
}
