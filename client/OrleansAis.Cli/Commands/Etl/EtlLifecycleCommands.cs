using System.CommandLine;
using OrleansAis.Http.Contracts;
using OrleansAis.Cli.Output;

namespace OrleansAis.Cli.Commands.Etl;

/// <summary><c>oais etl stop|start|rm NAME...</c>: the lifecycle (Running -> Aborted on stop -> Initializing on start; rm removes).</summary>
internal static class EtlLifecycleCommands
{
    public static Command Stop(CommandRunner runner) =>
        Transition(runner, "stop", "Stop ETLs on every silo (stage Aborted, 'stopped by user'); 'start' resumes them", "stopped", (api, n, ct) => api.StopEtlAsync(n, ct));

    public static Command Start(CommandRunner runner) =>
        Transition(runner, "start", "Start stopped (or aborted) ETLs again on every silo", "started", (api, n, ct) => api.StartEtlAsync(n, ct));

    public static Command Remove(CommandRunner runner)
    {
        var names = EtlCommands.Names();
        var command = new Command("rm", "Stop ETLs and remove them everywhere") { names };
        command.SetAction(runner.Run(async ctx =>
        {
            foreach (var name in ctx.Value(names)!) await ctx.Api.DeleteEtlAsync(name, ctx.Cancellation);
            ctx.Output.Write(new { deleted = ctx.Value(names)!.Select(name => new { name }) }, writer =>
            {
                foreach (var name in ctx.Value(names)!) writer.WriteLine($"removed ETL {name}");
            });
        }));
        return command;
    }

    private static Command Transition(CommandRunner runner, string verb, string description, string done,
        Func<OaisHttpClient, string, CancellationToken, Task<EtlDetailsDto>> call)
    {
        var names = EtlCommands.Names();
        var command = new Command(verb, description) { names };
        command.SetAction(runner.Run(async ctx =>
        {
            var results = new List<EtlDetailsDto>();
            foreach (var name in ctx.Value(names)!) results.Add(await call(ctx.Api, name, ctx.Cancellation));
            ctx.Output.Write(new EtlDetailsList(results), writer =>
            {
                foreach (var etl in results) writer.WriteLine($"{done} ETL {etl.Name}: {etl.Stage} ({EtlText.NodeStages(etl)})");
            });
        }));
        return command;
    }
}
