// Test clusters and large-object memory measurements must not overlap on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
