using OrleansAis.Silo.Hosting;

await SiloHost.Build(args).RunAsync();
