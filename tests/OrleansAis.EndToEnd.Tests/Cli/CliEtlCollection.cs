using System.Text;
using OrleansAis.EndToEnd.Tests.Etl;

namespace OrleansAis.EndToEnd.Tests.Cli;

/// <summary>The CLI's ETL and job tests share one three-silo cluster whose transformers are processes of the built etl-host.</summary>
[CollectionDefinition(Name)]
public sealed class CliEtlCollection : ICollectionFixture<ThreeSiloProcessEtlCluster>
{
    public const string Name = "oais etl and job on three silos";

    /// <summary>Small distinct text objects: <c>object number I</c> and a run of one letter.</summary>
    public static byte[] Content(int i) => Encoding.UTF8.GetBytes($"object number {i} " + new string((char)('a' + i % 26), i % 300));

    /// <summary>Creates <paramref name="bucket"/> and puts <c>Content(i)</c> under <c>name(i)</c> for every i, through the HTTP API.</summary>
    public static async Task<List<string>> FillAsync(EtlHttp etl, string bucket, int count, Func<int, string> name)
    {
        await etl.CreateBucketAsync(bucket);
        var names = Enumerable.Range(0, count).Select(name).ToList();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await etl.PutAsync(bucket, names[i], new ByteArrayContent(Content(i))));
        return names;
    }
}
