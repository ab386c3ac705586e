using OrleansAis.Loader.Options;

namespace OrleansAis.Loader.Verification;

/// <summary>Picks how a run checks its GETs from --verify and the ETL choice.</summary>
internal static class ReadVerifiers
{
    public static IReadVerifier For(LoaderOptions options, ExpectedContent expected)
    {
        if (!options.Verify) return new DrainingVerifier("off", null);
        return options.Etl switch
        {
            null => new ChecksumHeaderVerifier(),
            { Builtin: { } builtin } when TransformedContentVerifier.Supports(builtin) => new TransformedContentVerifier(builtin, expected),
            { Builtin: { } builtin } => new DrainingVerifier("skipped",
                $"--verify skipped: the output of the '{EtlSelection.Lower(builtin)}' transformer is not checked (only echo, md5 and sha256 are)"),
            { Name: var name } => new DrainingVerifier("skipped",
                $"--verify skipped: the output of ETL '{name}' is unknown to the loader (use --etl-builtin echo|md5|sha256 to verify transformed reads)"),
        };
    }

    /// <summary>Which digests the fingerprints must carry for this run's verifier.</summary>
    public static (bool Md5, bool Sha256) DigestsNeeded(LoaderOptions options) =>
        options.Verify && options.Etl?.Builtin is { } builtin
            ? (builtin == BuiltinTransform.Md5, builtin == BuiltinTransform.Sha256)
            : (false, false);
}
