using OrleansAis.EndToEnd.Tests.Infrastructure;

namespace OrleansAis.EndToEnd.Tests.Etl;

/// <summary>Silos that run transformers as local processes of the built etl-host (the Process runtime).</summary>
public class ProcessEtlCluster : SiloCluster
{
    public ProcessEtlCluster() : this(1) { }

    protected ProcessEtlCluster(int size) : base(size) { }

    protected override IEnumerable<string> SiloArgs(int index) =>
    [
        "--Etl:Runtime=process",
        $"--Etl:EtlHostCommand=dotnet {RepoPaths.BuiltAssembly("etl-host/OrleansAis.EtlHost", "etl-host")}",
    ];
}

public sealed class ThreeSiloProcessEtlCluster() : ProcessEtlCluster(3);

/// <summary>One silo running transformers as Docker containers (image oais/etl-host:latest); not started without Docker.</summary>
public sealed class DockerEtlCluster : SiloCluster
{
    public override Task InitializeAsync() =>
        OrleansAis.Tests.Etl.DockerAvailability.Missing is null ? base.InitializeAsync() : Task.CompletedTask; // the tests skip or fail with the reason

    protected override IEnumerable<string> SiloArgs(int index) => ["--Etl:Runtime=docker"];
}

/// <summary>Three silos running transformers as Docker containers; not started without Docker.</summary>
public sealed class ThreeSiloDockerEtlCluster() : SiloCluster(3)
{
    public override Task InitializeAsync() =>
        OrleansAis.Tests.Etl.DockerAvailability.Missing is null ? base.InitializeAsync() : Task.CompletedTask; // the tests skip or fail with the reason

    protected override IEnumerable<string> SiloArgs(int index) => ["--Etl:Runtime=docker"];
}
