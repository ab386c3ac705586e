using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansAis.Cluster;
using OrleansAis.Etl;
using OrleansAis.Hosting;
using OrleansAis.Persistence;
using OrleansAis.Rebalancing;
using OrleansAis.Storage;

namespace OrleansAis.Tests.Hosting;

/// <summary>Each options section's validator: defaults pass, a bad value fails naming its key; and the silo checks them at start.</summary>
[Trait("Category", "Fast")]
public sealed class OptionsValidationTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        AssertValid(new StoreOptions.Validator(), new StoreOptions());
        AssertValid(new RebalanceOptions.Validator(), new RebalanceOptions());
        AssertValid(new FileGrainStorageOptions.Validator(), new FileGrainStorageOptions());
        AssertValid(new EtlOptions.Validator(), new EtlOptions());
        AssertValid(new NodeOptions.Validator(), new NodeOptions { Id = "node-1" });
    }

    [Fact]
    public void Settings_as_tests_and_the_silo_give_them_are_valid()
    {
        AssertValid(new StoreOptions.Validator(), new StoreOptions { DataDirectory = "/tmp/x", Mountpaths = ["/tmp/x/a", "/tmp/x/a"] }); // the store de-duplicates
        AssertValid(new FileGrainStorageOptions.Validator(), new FileGrainStorageOptions { Directory = "/tmp/state" });
        AssertValid(new EtlOptions.Validator(), new EtlOptions
        {
            Runtime = EtlRuntimeKind.Process, EtlHostCommand = "dotnet etl-host.dll", SocketDirectory = "", DockerEndpoint = "unix:///var/run/docker.sock",
            MaxRestarts = 0, LogLines = 0,
        });
        AssertValid(new NodeOptions.Validator(), new NodeOptions { Id = "n", HttpUrl = "http://127.0.0.1:8080" });
        AssertValid(new RebalanceOptions.Validator(), new RebalanceOptions { DrainTimeout = TimeSpan.FromMilliseconds(1), Parallelism = 1 });
    }

    [Theory]
    [InlineData("", null, "Store:DataDirectory is empty")]
    [InlineData(" ", null, "Store:DataDirectory is empty")]
    [InlineData("./data", "", "Store:Mountpaths:1 is empty")]
    public void Store_problems_name_the_key(string data, string? mountpath, string problem) =>
        AssertInvalid(new StoreOptions.Validator(), new StoreOptions { DataDirectory = data, Mountpaths = mountpath is null ? [] : ["/mp0", mountpath] }, problem);

    [Theory]
    [InlineData("00:00:00", 4, "Rebalance:DrainTimeout must be more than zero")]
    [InlineData("-00:00:01", 4, "Rebalance:DrainTimeout must be more than zero")]
    [InlineData("30.00:00:00", 4, "Rebalance:DrainTimeout must be at most")]
    [InlineData("00:05:00", 0, "Rebalance:Parallelism must be at least 1")]
    [InlineData("00:05:00", -1, "Rebalance:Parallelism must be at least 1")]
    public void Rebalance_problems_name_the_key(string drainTimeout, int parallelism, string problem) =>
        AssertInvalid(new RebalanceOptions.Validator(), new RebalanceOptions { DrainTimeout = TimeSpan.Parse(drainTimeout), Parallelism = parallelism }, problem);

    [Theory]
    [InlineData(null, null, "Node:Id must be set")]
    [InlineData(" ", null, "Node:Id must be set")]
    [InlineData("n", "not a url", "Node:HttpUrl 'not a url'")]
    [InlineData("n", "ftp://host/", "Node:HttpUrl 'ftp://host/'")]
    public void Node_problems_name_the_key(string? id, string? httpUrl, string problem) =>
        AssertInvalid(new NodeOptions.Validator(), new NodeOptions { Id = id, HttpUrl = httpUrl }, problem);

    [Fact]
    public void An_empty_cluster_state_directory_names_the_key() =>
        AssertInvalid(new FileGrainStorageOptions.Validator(), new FileGrainStorageOptions { Directory = "" }, "ClusterState:Directory is empty");

    [Fact]
    public void Etl_problems_name_the_key()
    {
        AssertInvalid(new EtlOptions.Validator(), new EtlOptions { MaxRestarts = -1 }, "Etl:MaxRestarts must be 0 or more");
        AssertInvalid(new EtlOptions.Validator(), new EtlOptions { LogLines = -5 }, "Etl:LogLines must be 0 or more");
        AssertInvalid(new EtlOptions.Validator(), new EtlOptions { PythonCommand = " " }, "Etl:PythonCommand is empty");
        AssertInvalid(new EtlOptions.Validator(), new EtlOptions { DockerEndpoint = "no scheme" }, "Etl:DockerEndpoint 'no scheme'");
        AssertInvalid(new EtlOptions.Validator(), new EtlOptions { Runtime = (EtlRuntimeKind)7 }, "Etl:Runtime must be");
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var result = new RebalanceOptions.Validator().Validate(null, new RebalanceOptions { DrainTimeout = TimeSpan.Zero, Parallelism = 0 });
        Assert.Equal(2, result.Failures!.Count());
    }

    /// <summary>AddOrleansAis registers the validators with ValidateOnStart: the host refuses to start, before any silo runs.</summary>
    [Theory]
    [InlineData("Rebalance:DrainTimeout", "00:00:00")]
    [InlineData("Etl:MaxRestarts", "-1")]
    [InlineData("Store:DataDirectory", " ")]
    [InlineData("ClusterState:Directory", " ")]
    public async Task A_silo_with_a_bad_setting_fails_to_start_naming_the_key(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddOrleansAis(node => node.Id = "validation-test"));
        using var host = builder.Build();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(key, e.Message);
    }

    private static void AssertValid<T>(IValidateOptions<T> validator, T options) where T : class
    {
        var result = validator.Validate(null, options);
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    private static void AssertInvalid<T>(IValidateOptions<T> validator, T options, string problem) where T : class
    {
        var result = validator.Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(problem, result.FailureMessage);
    }
}
