using Microsoft.Extensions.Options;
using OrleansAis.Silo.Configuration;
using OrleansAis.Silo.Hosting;

namespace OrleansAis.EndToEnd.Tests.Configuration;

/// <summary>The "Silo" section's validator, and that the silo process checks it (and the grains' sections) when it starts.</summary>
public sealed class SiloHostOptionsTests
{
    [Fact]
    [Trait("Category", "Fast")]
    public void Defaults_and_the_test_clusters_settings_are_valid()
    {
        Assert.True(new SiloHostOptions.Validator().Validate(null, new SiloHostOptions()).Succeeded);
        var cluster = new SiloHostOptions
        {
            Clustering = ClusteringMode.Development, SiloPort = 21111, GatewayPort = 0, HttpPort = 18080, ListenAddress = "127.0.0.1",
            AdvertisedHost = "127.0.0.1", PrimarySiloEndpoint = "127.0.0.1:21111",
        };
        Assert.True(new SiloHostOptions.Validator().Validate(null, cluster).Succeeded);
    }

    [Theory]
    [InlineData("HttpPort", "Silo:HttpPort must be a port from 1 to 65535")]
    [InlineData("SiloPort", "Silo:SiloPort must be a port from 0 to 65535")]
    [InlineData("GatewayPort", "Silo:GatewayPort must be a port")]
    [InlineData("ClusterId", "Silo:ClusterId is empty")]
    [InlineData("ServiceId", "Silo:ServiceId is empty")]
    [InlineData("ListenAddress", "Silo:ListenAddress is empty")]
    [InlineData("AdvertisedHost", "Silo:AdvertisedHost is empty")]
    [Trait("Category", "Fast")]
    public void A_bad_value_names_its_key(string property, string problem)
    {
        var options = new SiloHostOptions();
        switch (property)
        {
            case "HttpPort": options.HttpPort = 0; break;
            case "SiloPort": options.SiloPort = 70_000; break;
            case "GatewayPort": options.GatewayPort = -1; break;
            case "ClusterId": options.ClusterId = ""; break;
            case "ServiceId": options.ServiceId = " "; break;
            case "ListenAddress": options.ListenAddress = ""; break;
            case "AdvertisedHost": options.AdvertisedHost = ""; break;
        }
        var result = new SiloHostOptions.Validator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(problem, result.FailureMessage);
    }

    [Theory]
    [InlineData("--Silo:HttpPort=0", "Silo:HttpPort")]
    [InlineData("--Rebalance:Parallelism=0", "Rebalance:Parallelism")]
    [InlineData("--S3:Region=", "S3:Region")]
    public async Task The_silo_refuses_to_start_with_a_bad_setting(string setting, string key)
    {
        // No sockets folder (Etl:UnixSockets off), and the data folder (the store makes its mountpath) is removed afterwards.
        var data = Path.Combine(Path.GetTempPath(), "oais-validation-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var app = SiloHost.Build([setting, "--Etl:UnixSockets=false", "--node-id", "validation-test", "--data", data]);
            var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.Contains(key, e.Message);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }
}
