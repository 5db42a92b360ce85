using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.App.Live;

/// <summary>
/// Keeps a component current: after a change-feed event that matters to it, runs its refresh on the component's
/// own dispatcher. The first event refreshes at once; a burst (an import, a busy till) is coalesced into at most one
/// refresh per <c>window</c>, and an event arriving during a refresh schedules exactly one more, so the last state is
/// always shown. The refresh can be given the events it follows up (those since the previous refresh), to skip work
/// the changes cannot affect.
/// </summary>
public sealed class LiveRefresh : IDisposable
{
    private readonly Func<Func<Task>, Task> _dispatch;
    // Beyond this many events since the last refresh the list is dropped (the refresh gets null: anything may have changed).
    private const int MaxEvents = 256;
    private readonly Func<IReadOnlyList<ChangeEvent>?, Task> _refresh;
    private readonly bool _keepEvents;
    private readonly Lock _eventsGate = new();
    private List<ChangeEvent>? _events = [];
    private readonly TimeSpan _window;
    private readonly IDisposable _subscription;
    private readonly StaffActor? _actor = StaffAccess.AmbientActor; // whom the component was created for
    private int _scheduled;
    private long _lastRunTicks;
    private volatile bool _disposed;

    /// <param name="feed">The change feed.</param>
    /// <param name="matters">Which events this component shows.</param>
    /// <param name="dispatch">The component's <c>InvokeAsync</c>.</param>
    /// <param name="refresh">Reloads and re-renders (call StateHasChanged at the end).</param>
    /// <param name="window">The coalescing window; zero refreshes as soon as the dispatcher is free.</param>
    public LiveRefresh(ChangeFeed feed, Func<ChangeEvent, bool> matters, Func<Func<Task>, Task> dispatch, Func<Task> refresh, TimeSpan window = default)
        : this(feed, matters, dispatch, _ => refresh(), window, keepEvents: false)
    {
    }

    /// <param name="feed">The change feed.</param>
    /// <param name="matters">Which events this component shows.</param>
    /// <param name="dispatch">The component's <c>InvokeAsync</c>.</param>
    /// <param name="refresh">
    /// Reloads and re-renders, given the events that mattered since the previous refresh (null when there were too many
    /// to list); an event during the refresh is in the next one's list.
    /// </param>
    /// <param name="window">The coalescing window; zero refreshes as soon as the dispatcher is free.</param>
    public LiveRefresh(ChangeFeed feed, Func<ChangeEvent, bool> matters, Func<Func<Task>, Task> dispatch, Func<IReadOnlyList<ChangeEvent>?, Task> refresh, TimeSpan window = default)
        : this(feed, matters, dispatch, refresh, window, keepEvents: true)
    {
    }

    private LiveRefresh(ChangeFeed feed, Func<ChangeEvent, bool> matters, Func<Func<Task>, Task> dispatch, Func<IReadOnlyList<ChangeEvent>?, Task> refresh, TimeSpan window, bool keepEvents)
    {
        ArgumentNullException.ThrowIfNull(feed);
        _dispatch = dispatch;
        _refresh = refresh;
        _window = window;
        _keepEvents = keepEvents;
        _subscription = feed.Subscribe(e =>
        {
            if (_disposed || !matters(e))
            {
                return;
            }

            if (_keepEvents)
            {
                lock (_eventsGate)
                {
                    if (_events is { Count: < MaxEvents })
                    {
                        _events.Add(e);
                    }
                    else
                    {
                        _events = null;
                    }
                }
            }

            if (Interlocked.Exchange(ref _scheduled, 1) == 0)
            {
                _ = RunAsync();
            }
        });
    }

    private async Task RunAsync()
    {
        var wait = TimeSpan.FromTicks(Interlocked.Read(ref _lastRunTicks)) + _window - TimeSpan.FromTicks(Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        if (_disposed)
        {
            return;
        }

        try
        {
            await _dispatch(async () =>
            {
                // Cleared before reloading: an event during the reload schedules one more, never zero.
                Interlocked.Exchange(ref _scheduled, 0);
                Interlocked.Exchange(ref _lastRunTicks, Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
                if (!_disposed)
                {
                    // The event came from someone else's write (handlers run for nobody): reload as this screen's person.
                    using var _ = StaffAccess.As(_actor);
                    await _refresh(TakeEvents());
                }
            });
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between the event and the refresh.
        }
    }

    private List<ChangeEvent>? TakeEvents()
    {
        if (!_keepEvents)
        {
            return [];
        }

        lock (_eventsGate)
        {
            var events = _events;
            _events = [];
            return events;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription.Dispose();
    }
}
