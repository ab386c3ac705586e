using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansAis.Client;
using OrleansAis.EndToEnd.Tests.Infrastructure;

namespace OrleansAis.EndToEnd.Tests.Client;

/// <summary>The README's "embed the client" snippet, run against a real silo process (only the gateway port differs).</summary>
public sealed class ReadmeSnippetTests(SiloCluster cluster) : IClassFixture<SiloCluster>
{
    [Fact]
    public async Task The_readme_snippet_puts_and_gets_a_file()
    {
        var work = Directory.CreateTempSubdirectory("oais-readme-").FullName;
        await File.WriteAllTextAsync(Path.Combine(work, "cat.jpg"), "not really a cat", Encoding.UTF8);
        var gatewayPort = cluster.Silos[0].GatewayPort;
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(work);
        try
        {
            // --- README snippet (gateway port 30000 there) ---
            var builder = Host.CreateApplicationBuilder();
            builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort: gatewayPort, serviceId: "oais", clusterId: "oais"));
            builder.Services.AddOaisClient();
            using var host = builder.Build();
            await host.StartAsync();

            var oais = host.Services.GetRequiredService<OaisClient>();
            await oais.CreateBucketAsync("photos");
            await using (var file = File.OpenRead("cat.jpg"))
                await oais.PutObjectAsync("photos", "2024/cat.jpg", file);
            await using (var copy = File.Create("cat-copy.jpg"))
                await oais.GetObjectAsync("photos", "2024/cat.jpg", copy);
            // --- end of snippet ---

            Assert.Equal("not really a cat", await File.ReadAllTextAsync("cat-copy.jpg"));
            var meta = await oais.HeadObjectAsync("photos", "2024/cat.jpg");
            Assert.Equal(cluster.Silos[0].NodeId, meta.Node);
            await host.StopAsync();
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
            Directory.Delete(work, recursive: true);
        }
    }
}
