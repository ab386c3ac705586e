namespace OrleansAis.Loader.Http;

/// <summary>A setup or teardown request (bucket, listing, ETL) that failed; ends the run with exit code 1.</summary>
internal sealed class ApiException(string message) : Exception(message);
