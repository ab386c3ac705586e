namespace OrleansAis.Loader.Stats;

/// <summary>What a recorded operation was; prefill PUTs and cleanup DELETEs are kept apart from the measured workload.</summary>
internal enum OperationKind
{
    Put,
    Get,
    Prefill,
    Delete,
}
