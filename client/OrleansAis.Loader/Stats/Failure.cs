namespace OrleansAis.Loader.Stats;

/// <summary>One failed or wrong operation: when, which object, what kind of error, and the detail.</summary>
internal sealed record Failure(
    DateTimeOffset Time,
    TimeSpan Elapsed,
    OperationKind Operation,
    string Object,
    string Kind,
    string Detail,
    string Endpoint,
    bool WrongRead);
