using Microsoft.Extensions.Options;
using OrleansAis.Hosting;

namespace OrleansAis.Etl;

public enum EtlRuntimeKind
{
    /// <summary>Docker when the engine answers, else Process.</summary>
    Auto,
    Docker,
    Process,
}

/// <summary>How this silo runs transformers. Bound from the "Etl" configuration section.</summary>
public sealed class EtlOptions
{
    public const string Section = "Etl";

    public EtlRuntimeKind Runtime { get; set; } = EtlRuntimeKind.Auto;

    /// <summary>Docker engine endpoint; null follows DOCKER_HOST like the docker CLI (default unix:///var/run/docker.sock).</summary>
    public string? DockerEndpoint { get; set; }

    /// <summary>
    /// The command line that runs the built-in transformer host on the Process runtime, substituted for a spec command
    /// starting with <c>etl-host</c> (e.g. "dotnet /opt/oais/etl-host.dll" or "/opt/oais/etl-host"); default: "etl-host" on PATH.
    /// </summary>
    public string? EtlHostCommand { get; set; }

    /// <summary>The interpreter that runs runtime.python transformers on the Process runtime.</summary>
    public string PythonCommand { get; set; } = "python3";

    /// <summary>
    /// The folder holding the Python SDK (<c>oais_etl/</c>), put on PYTHONPATH for runtime.python on the Process runtime;
    /// the silo defaults it to the copy in its own folder. Null: the SDK must be importable already.
    /// </summary>
    public string? PythonSdkPath { get; set; }

    /// <summary>How often a crashed transformer is restarted before the ETL is aborted.</summary>
    public int MaxRestarts { get; set; } = 3;

    /// <summary>
    /// Talk to transformers on this host over Unix sockets (when the transformer listens on the one it is offered;
    /// loopback TCP otherwise). Off: loopback TCP always.
    /// </summary>
    public bool UnixSockets { get; set; } = true;

    /// <summary>Folder for those sockets and the transformers' port files; default: a new private folder under the temp directory.</summary>
    public string? SocketDirectory { get; set; }

    /// <summary>Lines of transformer output kept for <c>logs</c>.</summary>
    public int LogLines { get; set; } = 1000;

    /// <summary>
    /// Give ETL outputs MD5 entity tags like client uploads. Off by default: the MD5 of every output costs about
    /// 1.4 ms of CPU per MiB, nobody holds an MD5 of a result to compare with, and S3 allows non-MD5 ETags.
    /// </summary>
    public bool Md5ETags { get; set; }

    /// <summary>What is wrong with these settings, each naming its configuration key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Enum.IsDefined(Runtime)) yield return $"{Section}:Runtime must be auto, docker or process (is {Runtime})";
        if (!string.IsNullOrWhiteSpace(DockerEndpoint) && !Uri.TryCreate(DockerEndpoint, UriKind.Absolute, out _))
            yield return $"{Section}:DockerEndpoint '{DockerEndpoint}' is not an absolute URI (e.g. unix:///var/run/docker.sock)";
        if (string.IsNullOrWhiteSpace(PythonCommand)) yield return $"{Section}:PythonCommand is empty";
        if (MaxRestarts < 0) yield return $"{Section}:MaxRestarts must be 0 or more (is {MaxRestarts})";
        if (LogLines < 0) yield return $"{Section}:LogLines must be 0 or more (is {LogLines})";
    }

    /// <summary>Refuses to start a silo with unusable Etl settings.</summary>
    public sealed class Validator : IValidateOptions<EtlOptions>
    {
        public ValidateOptionsResult Validate(string? name, EtlOptions options) => OptionsValidation.Result(options.Problems());
    }
}
