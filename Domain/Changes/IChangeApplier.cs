namespace CustomerDirectory.Domain.Changes;

/// <summary>
/// A read model that must reflect a committed change before anyone is told about it (the profile index): the feed
/// calls every applier, in order, before any subscriber, on the writer's thread.
/// </summary>
public interface IChangeApplier
{
    void Apply(ChangeEvent change);
}
