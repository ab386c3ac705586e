using System.Diagnostics;
using OrleansAis.Etl.Protocol;
using OrleansAis.Etl.Sdk;
using OrleansAis.EtlHost.Tests.Infrastructure;
using OrleansAis.Testing;

namespace OrleansAis.EtlHost.Tests;

/// <summary>
/// A transformer ends when the silo that started it is gone (OAIS_PARENT_PID): a silo killed with SIGKILL that never
/// returns leaves no transformer behind. A stand-in process plays the silo and is killed.
/// </summary>
public sealed class ParentWatchTests
{
    [Fact]
    public async Task A_serving_transformer_exits_once_the_process_that_started_it_is_gone()
    {
        using var silo = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        RunRegistry.Track(silo);
        var port = EtlHostProcess.FreePort();
        await using var host = await EtlHostServer.StartAsync(["echo", "--port", port.ToString()], port,
            new Dictionary<string, string> { [TransformerEnvironment.ParentPid] = silo.Id.ToString() });
        Assert.False(host.HasExited); // serving while its silo runs

        silo.Kill();
        await silo.WaitForExitAsync();
        RunRegistry.Forget(silo);
        await Waiting.WaitUntil(() => host.HasExited, TimeSpan.FromSeconds(15), () => $"the transformer still runs after its silo ended; its output:\n{host.Output}");
        Assert.Equal(TransformerServer.ParentGoneExitCode, host.ExitCode);
        Assert.Contains("is gone", host.Output);
    }
}
