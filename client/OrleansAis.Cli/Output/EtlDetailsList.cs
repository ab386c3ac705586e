using OrleansAis.Http.Contracts;

namespace OrleansAis.Cli.Output;

/// <summary>The --json output of commands that report several ETLs at once, in the API's own ETL document.</summary>
internal sealed record EtlDetailsList(IReadOnlyList<EtlDetailsDto> Etls);
