using OrleansAis.Etl.Sdk;
using OrleansAis.EtlHost;
using OrleansAis.EtlHost.Transformers;

ITransformer transformer;
try
{
    if (args.Length == 0) throw new ArgumentException("name a transformer");
    transformer = RequestLog.Wrap(BuiltinTransformers.Create(args[0], TransformerServerOptions.Parse(args[1..])));
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"etl-host: {e.Message}");
    Console.Error.WriteLine($"usage: etl-host <{string.Join('|', BuiltinTransformers.Names)}> [--port N] [--stdio] [--max-concurrency N] [-- command args (exec)]");
    return 2;
}
return await TransformerServer.RunAsync(transformer, args[1..]);
