using System.Collections.Concurrent;

namespace CustomerDirectory.App.Live;

/// <summary>Who has which profile open right now, and whether they are editing it. In memory: presence is not data.</summary>
public sealed class PresenceTracker
{
    private readonly ConcurrentDictionary<int, ConcurrentDictionary<Guid, Viewer>> _profiles = new();

    /// <summary>Raised with the profile id whenever someone arrives, leaves or starts/stops editing.</summary>
    public event Action<int>? Changed;

    public sealed record Viewer(Guid Key, string Name, bool Editing);

    public Presence Join(int customerId, string name)
    {
        var key = Guid.NewGuid();
        _profiles.GetOrAdd(customerId, _ => new())[key] = new Viewer(key, name, Editing: false);
        Changed?.Invoke(customerId);
        return new Presence(this, customerId, key);
    }

    public IReadOnlyList<Viewer> Viewers(int customerId) =>
        _profiles.TryGetValue(customerId, out var viewers) ? [.. viewers.Values.OrderBy(v => v.Name, StringComparer.CurrentCulture)] : [];

    private void SetEditing(int customerId, Guid key, bool editing)
    {
        if (_profiles.TryGetValue(customerId, out var viewers) && viewers.TryGetValue(key, out var viewer) && viewer.Editing != editing)
        {
            viewers[key] = viewer with { Editing = editing };
            Changed?.Invoke(customerId);
        }
    }

    private void Leave(int customerId, Guid key)
    {
        if (_profiles.TryGetValue(customerId, out var viewers) && viewers.TryRemove(key, out _))
        {
            if (viewers.IsEmpty)
            {
                _profiles.TryRemove(new KeyValuePair<int, ConcurrentDictionary<Guid, Viewer>>(customerId, viewers));
            }

            Changed?.Invoke(customerId);
        }
    }

    /// <summary>One person's presence on one profile; disposing it (leaving the page, closing the tab) removes it.</summary>
    public sealed class Presence(PresenceTracker tracker, int customerId, Guid key) : IDisposable
    {
        public Guid Key => key;

        public void SetEditing(bool editing) => tracker.SetEditing(customerId, key, editing);

        public void Dispose() => tracker.Leave(customerId, key);
    }
}
