namespace OrleansAis.Loader.Options;

/// <summary>The transformers <c>--etl-builtin</c> can start (built into etl-host) and how their output can be checked.</summary>
internal enum BuiltinTransform
{
    Echo,
    Md5,
    Sha256,
    Gzip,
    Hello,
}

/// <summary>The communicators <c>--comm</c> accepts (AIStore's names).</summary>
internal enum Communicator
{
    Hpush,
    Hpull,
    Hrev,
    Ws,
    Io,
}

/// <summary>
/// How GETs are transformed: not at all, through an existing ETL (<c>--etl NAME</c>), or through a built-in transformer
/// the loader starts for the run and removes afterwards (<c>--etl-builtin</c> with <c>--comm</c>).
/// </summary>
internal sealed record EtlSelection(string Name, BuiltinTransform? Builtin, Communicator Communicator)
{
    public const string Image = "oais/etl-host:latest";

    /// <summary>True when the loader creates (and later deletes) the ETL itself.</summary>
    public bool IsOwnedByLoader => Builtin is not null;

    public static EtlSelection Existing(string name) => new(name, null, Communicator.Hpush);

    public static EtlSelection ForBuiltin(BuiltinTransform builtin, Communicator communicator) =>
        new($"loader-{Lower(builtin)}-{Lower(communicator)}", builtin, communicator);

    public static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
