using System.Diagnostics;
using OrleansAis;
using OrleansAis.Client;
using OrleansAis.Samples.TrainingLoop;

// A training loop's data side: every epoch visits every sample once, in an order shuffled by (seed, epoch), read in
// parallel straight from the nodes that own the samples (through an ETL when one is named), samples/s printed per epoch.
TrainingLoopOptions options;
try
{
    options = TrainingLoopOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var oais = new OaisClient(options.Endpoint);
if (options.Create > 0) await SyntheticDataset.WriteAsync(oais, options);

var samples = await oais.EnumerateObjectsAsync(options.Bucket, options.Prefix).Select(e => e.Name).ToListAsync();
if (samples.Count == 0)
{
    Console.Error.WriteLine($"no objects under '{options.Bucket}/{options.Prefix}' (write some with --create N)");
    return 1;
}
Console.WriteLine($"{samples.Count} samples in {options.Bucket}/{options.Prefix}, {options.Epochs} epochs, parallelism {options.Parallelism}" +
    (options.Etl is null ? "" : $", through ETL {options.Etl}"));

var reading = new ReadManyOptions { Etl = options.Etl, Parallelism = options.Parallelism };
for (var epoch = 1; epoch <= options.Epochs; epoch++)
{
    var order = samples.ToArray();
    new Random(HashCode.Combine(options.Seed, epoch)).Shuffle(order);
    var clock = Stopwatch.StartNew();
    long bytes = 0, batches = 0, inBatch = 0;
    await foreach (var sample in oais.ReadManyAsync(options.Bucket, order, reading))
    {
        using (sample)
        {
            bytes += sample.Length; // a real loop would decode sample.Content into a tensor here
            if (++inBatch == 32)
            {
                batches++;
                inBatch = 0;
            }
        }
    }
    var seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"epoch {epoch}: {order.Length} samples ({batches} full batches of 32) in {seconds:0.00} s = " +
        $"{order.Length / seconds:0} samples/s, {bytes / seconds / (1 << 20):0.0} MiB/s");
}
return 0;

/// <summary>A dataset to train on when there is none yet: <c>sample-NNNNNN.bin</c> of random bytes.</summary>
internal static class SyntheticDataset
{
    public static async Task WriteAsync(OaisClient oais, TrainingLoopOptions options)
    {
        if (await oais.GetBucketAsync(options.Bucket) is null) await oais.CreateBucketAsync(options.Bucket);
        var random = new Random(options.Seed);
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Create), new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism },
            async (i, ct) =>
            {
                var bytes = new byte[options.SampleBytes];
                lock (random) random.NextBytes(bytes);
                await oais.PutObjectAsync(options.Bucket, $"{options.Prefix}sample-{i:D6}.bin", new MemoryStream(bytes), ct: ct);
            });
        Console.WriteLine($"wrote {options.Create} samples of {options.SampleBytes} bytes");
    }
}
