namespace OrleansAis.Etl.Runtimes;

/// <summary>
/// runtime.python on either runtime: the transformer is the Python SDK (<c>python3 -m oais_etl --from-env</c>), which
/// reads the function's source, its name and the packages to install from the environment. The source travels in
/// the environment so a container needs no mount and a process no file.
/// </summary>
public static class PythonTransformer
{
    /// <summary>The image the Docker runtime uses when runtime.python gives no runtime.image (etl-host/build-image.sh builds it).</summary>
    public const string DefaultImage = "oais/etl-python:latest";

    public const string SourceVariable = "OAIS_ETL_PYTHON_SOURCE";
    public const string FunctionVariable = "OAIS_ETL_PYTHON_FUNCTION";
    public const string PackagesVariable = "OAIS_ETL_PYTHON_PACKAGES";

    /// <summary>The SDK's command line after the interpreter; io:// runs it once per object with --stdio.</summary>
    public static IReadOnlyList<string> Arguments(EtlSpec spec) =>
        spec.Communication == EtlCommunication.Io ? ["-m", "oais_etl", "--from-env", "--stdio"] : ["-m", "oais_etl", "--from-env"];

    /// <summary>The variables the SDK reads; empty for specs without runtime.python.</summary>
    public static IReadOnlyDictionary<string, string> Environment(EtlSpec spec)
    {
        if (spec.Runtime.Python is not { } python) return new Dictionary<string, string>();
        return new Dictionary<string, string>
        {
            [SourceVariable] = python.Source,
            [FunctionVariable] = python.Function,
            [PackagesVariable] = string.Join(' ', python.Packages),
            ["PYTHONUNBUFFERED"] = "1", // log lines reach `oais etl logs` as they are printed
        };
    }
}
