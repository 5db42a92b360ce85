using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Changes;

/// <summary>What a committed write changed.</summary>
public enum ChangeKind
{
    /// <summary>A profile was created.</summary>
    CustomerCreated,

    /// <summary>A profile's own fields changed (name, contact, address…).</summary>
    CustomerUpdated,

    /// <summary>Visits, orders, donations, memberships or loyalty changed, and with them the aggregates.</summary>
    ActivityChanged,

    ConsentChanged,
    TagsChanged,
    NotesChanged,
    ListsChanged,
    CustomFieldValuesChanged,

    /// <summary>Tag, list or custom field definitions changed (not tied to one profile).</summary>
    DefinitionsChanged,

    /// <summary>A saved view was saved, renamed or deleted.</summary>
    ViewsChanged,

    /// <summary>A group was created, renamed, edited or deleted (<see cref="ChangeEvent.GroupId"/>): the filter catalog lists groups.</summary>
    GroupsChanged,

    /// <summary>A group's status changed: evaluation started or ended, paused, resumed, an override set (<see cref="ChangeEvent.GroupId"/>).</summary>
    GroupStatusChanged,

    /// <summary>
    /// People entered or left a group (<see cref="ChangeEvent.GroupId"/>); <see cref="ChangeEvent.CustomerId"/> is set
    /// when it was one person, null for a batch.
    /// </summary>
    GroupMembershipChanged,

    /// <summary>A background job started or finished, or its schedule changed (the Jobs page follows it).</summary>
    JobsChanged,

    /// <summary>Staff, their roles or the roles' permissions changed: open screens re-check what their person may do.</summary>
    StaffChanged,

    /// <summary>
    /// A batch of profiles was created, updated or removed by an import or its undo (<see cref="ChangeEvent.CustomerIds"/>):
    /// one event per batch, so that read models refresh them together and screens refresh once.
    /// </summary>
    ProfilesImported,

    /// <summary>An import was uploaded, progressed, finished or was undone (the Import page follows it).</summary>
    ImportsChanged,

    /// <summary>An audience was saved or deleted, or a snapshot of one was frozen (the Audiences page follows it).</summary>
    AudiencesChanged,
    /// <summary>An automation was created, edited or deleted, or its deliveries were written, sent, held or released.</summary>
    AutomationsChanged,
    /// <summary>An API key was created, revoked or used (last-used time, at most once a minute per key).</summary>
    ApiKeysChanged,
}

/// <summary>
/// One committed change. <see cref="Sequence"/> increases by one per event, so a subscriber that sees a jump knows it
/// missed something and must resynchronise (reload) instead of patching.
/// </summary>
public sealed record ChangeEvent(long Sequence, ChangeKind Kind, int? CustomerId, DateTime AtUtc, int? GroupId = null, IReadOnlyList<int>? CustomerIds = null)
{
    /// <summary>Whether the event is about this profile (alone, or in a batch).</summary>
    public bool Concerns(int customerId) => CustomerId == customerId || (CustomerIds is { } ids && ids.Contains(customerId));
}

/// <summary>
/// The change feed: every service publishes here after its transaction commits; screens subscribe to stay current.
/// </summary>
/// <remarks>
/// Delivery is in-process and synchronous on the writer's thread, so handlers must only schedule work (Blazor
/// components call InvokeAsync and return); a throwing handler is logged and never fails the write. A cross-process
/// transport (PostgreSQL LISTEN/NOTIFY) can publish remote events through <see cref="Publish"/> on each node; the
/// sequence lets subscribers detect gaps and resync.
/// </remarks>
public sealed class ChangeFeed(TimeProvider clock, ILogger<ChangeFeed> logger, IEnumerable<IChangeApplier> appliers)
{
    private readonly IChangeApplier[] _appliers = [.. appliers];
    private readonly Lock _gate = new();
    private ImmutableArrayOfHandlers _handlers = new([]);
    private long _sequence;
    private long _applied;

    /// <summary>The sequence of the last published event.</summary>
    public long LastSequence => Interlocked.Read(ref _sequence);

    /// <summary>
    /// How many events every read model (<see cref="IChangeApplier"/>) has applied. It moves after an event's appliers
    /// and before its subscribers, so a read that starts once this is N reflects every event a subscriber has heard of
    /// when it reads N: readers that see the same N may share one result (<see cref="LastSequence"/> cannot say that,
    /// it moves before the appliers run).
    /// </summary>
    public long AppliedCount => Interlocked.Read(ref _applied);

    public void Publish(ChangeKind kind, int? customerId = null, int? groupId = null) =>
        Deliver(new ChangeEvent(Interlocked.Increment(ref _sequence), kind, customerId, clock.GetUtcNow().UtcDateTime, groupId));

    /// <summary>One event for a batch of profiles (an import's batch, its undo).</summary>
    public void PublishMany(ChangeKind kind, IReadOnlyList<int> customerIds)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        if (customerIds.Count > 0)
        {
            Deliver(new ChangeEvent(Interlocked.Increment(ref _sequence), kind, null, clock.GetUtcNow().UtcDateTime, null, [.. customerIds]));
        }
    }

    private void Deliver(ChangeEvent change)
    {
        var (kind, customerId) = (change.Kind, change.CustomerId);
        // Handlers run for nobody: the writer's identity must not leak into work they start for another screen.
        using var _ = Staff.StaffAccess.As(null);
        foreach (var applier in _appliers)
        {
            try
            {
                applier.Apply(change);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogError(e, "Applying {Kind} for {CustomerId} to {Applier} failed", kind, customerId, applier.GetType().Name);
            }
        }

        Interlocked.Increment(ref _applied);

        foreach (var handler in _handlers.Items)
        {
            try
            {
                handler(change);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogError(e, "A change-feed subscriber failed on {Kind} for {CustomerId}", kind, customerId);
            }
        }
    }

    /// <summary>Calls <paramref name="handler"/> for every event from now on, until the result is disposed.</summary>
    public IDisposable Subscribe(Action<ChangeEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers = new([.. _handlers.Items, handler]);
        }

        return new Subscription(this, handler);
    }

    private void Unsubscribe(Action<ChangeEvent> handler)
    {
        lock (_gate)
        {
            _handlers = new([.. _handlers.Items.Where(h => h != handler)]);
        }
    }

    // Copy-on-write list: publishing never takes the lock.
    private sealed record ImmutableArrayOfHandlers(Action<ChangeEvent>[] Items);

    private sealed class Subscription(ChangeFeed feed, Action<ChangeEvent> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Unsubscribe(handler);
            }
        }
    }
}
