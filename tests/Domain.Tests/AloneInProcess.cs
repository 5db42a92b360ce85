namespace CustomerDirectory.Domain.Tests;

/// <summary>
/// Tests that measure the whole process (its live heap): they run after the others, one at a time, since a test
/// class running beside them grows the same heap.
/// </summary>
[CollectionDefinition(nameof(AloneInProcess), DisableParallelization = true)]
public sealed class AloneInProcess;
