namespace OrleansAis.Etl.Sdk;

/// <summary>io:// mode: the object on stdin, the result on stdout, the exit code says whether it worked.</summary>
internal static class StdioTransform
{
    public static async Task<int> RunAsync(ITransformer transformer, Stream stdin, Stream stdout, TextWriter stderr)
    {
        var path = Environment.GetEnvironmentVariable("OBJECT_PATH") ?? "";
        var slash = path.IndexOf('/');
        var request = new TransformRequest
        {
            Input = stdin,
            Bucket = slash > 0 ? path[..slash] : "",
            ObjectName = slash > 0 ? path[(slash + 1)..] : path,
            EtlArgs = Environment.GetEnvironmentVariable("ETL_ARGS"),
        };
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
