namespace OrleansAis.Etl.Sdk;

/// <summary>
/// io:// mode: the object on stdin, the result on stdout, the exit code says whether it worked (the message goes to
/// stderr). The silo names the object in OBJECT_PATH ("bucket/object") and passes etl_args in ETL_ARGS.
/// </summary>
internal static class StdioTransform
{
    public static async Task<int> RunAsync(ITransformer transformer, Stream stdin, Stream stdout, TextWriter stderr)
    {
        var (bucket, name) = ObjectPath.Split(Environment.GetEnvironmentVariable("OBJECT_PATH") ?? "");
        var request = new TransformRequest { Input = stdin, Bucket = bucket, ObjectName = name, EtlArgs = Environment.GetEnvironmentVariable("ETL_ARGS") };
        try
        {
            await transformer.TransformAsync(request, stdout, CancellationToken.None);
            await stdout.FlushAsync();
            return 0;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync("transformer error: " + e.Message);
            return 1;
        }
    }
}
