using OrleansAis.Etl.Sdk;
using OrleansAis.EtlHost;

if (args.Length == 0 || !BuiltinTransformers.TryCreate(args[0], TransformerServerOptions.Parse(args[1..]), out var transformer))
{
    Console.Error.WriteLine($"usage: etl-host <{string.Join('|', BuiltinTransformers.Names)}> [--port N] [--stdio] [--max-concurrency N] [-- command args (exec)]");
    return 2;
}
return await TransformerServer.RunAsync(transformer, args[1..]);
