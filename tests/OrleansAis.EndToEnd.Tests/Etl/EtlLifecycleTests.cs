using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansAis.Client;
using OrleansAis.EndToEnd.Tests.Infrastructure;
using OrleansAis.Etl;
using OrleansAis.Tests;
using OrleansAis.Testing;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>ETL state across silo restarts, the guarded transformer endpoint, and transforms through the .NET client.</summary>
public sealed class EtlLifecycleTests(ProcessEtlCluster cluster) : IClassFixture<ProcessEtlCluster>
{
    private readonly EtlHttp _etl = new(cluster.Http, cluster.Endpoint);

    [Fact]
    public async Task A_running_etl_survives_a_silo_crash_and_restart()
    {
        await _etl.CreateBucketAsync("etl-restart");
        await _etl.PutAsync("etl-restart", "o", new ByteArrayContent("abc"u8.ToArray()));
        await _etl.InitOkAsync(EtlHttp.Spec("upper-survives", "hpush://", ["etl-host", "upper"]));
        try
        {
            var silo = cluster.Silos[0];
            await silo.KillAsync();
            await TransformerProcessesGone("upper-survives");
            silo.Start(["--Etl:Runtime=process", $"--Etl:EtlHostCommand=dotnet {RepoPaths.BuiltAssembly("etl-host/OrleansAis.EtlHost", "etl-host")}"]);
            await cluster.WaitForClusterAsync(silo, 1);

            var (status, body) = await Waiting.WaitUntil(async () =>
            {
                using var response = await _etl.GetTransformedAsync("etl-restart", "o", "upper-survives");
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }, r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), r => $"ETL not back after restart: {(int)r.StatusCode} {r.Item2}");
            Assert.Equal("ABC", body);
        }
        finally
        {
            await _etl.DeleteAsync("upper-survives");
        }
    }

    /// <summary>A killed silo's transformer may outlive it for a moment; the restarted silo kills orphans anyway.</summary>
    private static async Task TransformerProcessesGone(string etl)
    {
        try
        {
            await Waiting.WaitUntil(() => !TransformerProcesses.Running(etl), TimeSpan.FromSeconds(2), () => "", TimeSpan.FromMilliseconds(100));
        }
        catch (TimeoutException)
        {
            // an orphan the restarted silo will kill
        }
    }

    [Fact]
    public async Task The_transformer_endpoint_refuses_anyone_without_the_etl_secret()
    {
        await _etl.CreateBucketAsync("etl-guard");
        await _etl.PutAsync("etl-guard", "secret-object", new ByteArrayContent([1, 2, 3]));
        await _etl.InitOkAsync(EtlHttp.Spec("guarded-etl", "hpull://", ["etl-host", "echo"]));
        try
        {
            using var read = await cluster.Http.GetAsync(new Uri(cluster.Endpoint, "/v1/etl/_object/guarded-etl/not-the-secret/etl-guard/secret-object"));
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
            using var write = await cluster.Http.PutAsync(new Uri(cluster.Endpoint, "/v1/etl/_object/guarded-etl/not-the-secret/etl-guard/injected"), new ByteArrayContent([6]));
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
            using var head = await cluster.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, _etl.ObjectUri("etl-guard", "injected", "")));
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
            // The transformer itself (hpull: it fetches through that endpoint with the secret) works.
            using var transformed = await _etl.GetTransformedAsync("etl-guard", "secret-object", "guarded-etl");
            Assert.Equal(new byte[] { 1, 2, 3 }, await transformed.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            await _etl.DeleteAsync("guarded-etl");
        }
    }

    [Theory]
    [InlineData(ObjectTransport.Grain)]
    [InlineData(ObjectTransport.Http)]
    public async Task The_dotnet_client_initializes_etls_and_reads_transformed_objects(ObjectTransport transport)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(c => c.UseLocalhostClustering(gatewayPort: cluster.Silos[0].GatewayPort, serviceId: "oais", clusterId: "oais"));
        builder.Services.AddOaisClient(o => o.Transport = transport);
        using var host = builder.Build();
        await host.StartAsync();
        var oais = host.Services.GetRequiredService<OaisClient>();

        var name = $"client-md5-{transport.ToString().ToLowerInvariant()}";
        var bucket = $"client-etl-{transport.ToString().ToLowerInvariant()}";
        await oais.CreateBucketAsync(bucket);
        var content = PatternStream.Bytes(5_000_000, 77);
        await oais.PutObjectAsync(bucket, "data", new MemoryStream(content));
        var info = await oais.InitEtlAsync(new EtlSpec
        {
            Name = name, Communication = EtlCommunication.Ws,
            Runtime = new EtlRuntimeSpec { Command = ["etl-host", "md5"] }, InitTimeout = TimeSpan.FromMinutes(1),
        });
        try
        {
            Assert.Equal(EtlStage.Running, info.Stage);
            var result = new MemoryStream();
            await oais.GetTransformedAsync(bucket, "data", name, result);
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), System.Text.Encoding.ASCII.GetString(result.ToArray()));

            var stopped = await oais.StopEtlAsync(name);
            Assert.Equal(EtlStage.Aborted, stopped.Stage);
            var e = await Assert.ThrowsAsync<OaisException>(() => oais.GetTransformedAsync(bucket, "data", name, Stream.Null));
            Assert.Equal(OaisErrorCode.EtlNotRunning, e.Code);
        }
        finally
        {
            await oais.DeleteEtlAsync(name);
            await host.StopAsync();
        }
    }
}
