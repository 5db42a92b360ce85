using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.Domain.Customers;

public sealed partial class CustomerService
{
    // Reads shared by live refreshes, for the last applied change only (older ones can no longer be joined). The cap
    // bounds the memory when very many different pages are open; beyond it reads are simply not shared.
    private const int MaxSharedPages = 4096;
    private readonly Lock _sharedGate = new();
    private long _sharedApplied = -1;
    private Dictionary<SharedKey, SharedRead> _shared = [];

    /// <summary>
    /// What an open directory page should show after a change: the page <paramref name="search"/> gives now, or null
    /// when <paramref name="shown"/> (what the screen shows for it) is still exact. <paramref name="changed"/> are the
    /// profiles changed since <paramref name="shown"/> was read; null when that is not known (anything may have changed).
    /// </summary>
    /// <remarks>
    /// A change most open pages cannot see costs them no row read and no render: when the index gives the same ids in
    /// the same order and the same counts, and no changed profile is on the page, nothing on screen can differ (a
    /// profile entering or leaving the filter off the page changes the total; one moving across the page changes
    /// the ids). Pages that did change are read once per distinct page and field access, per applied change
    /// (<see cref="ChangeFeed.AppliedCount"/>), and that read is shared by every screen showing that page: it
    /// started after every change those screens have heard of, so it is never older than what they follow. The
    /// field access is part of what is shared, so a masked page never reaches someone who sees more, nor the reverse;
    /// the permission itself is checked for each caller.
    /// </remarks>
    public async Task<CustomerPage?> RefreshAsync(CustomerSearch search, CustomerPage? shown, IReadOnlySet<int>? changed, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        var query = await ForCallerAsync(search, ct);
        var read = Shared(query);
        if (shown is not null && changed is not null
            && (await read.Found.WaitAsync(ct)).Found is { } found
            && Same(found, shown)
            && !shown.Rows.Any(r => changed.Contains(r.Id)))
        {
            return null;
        }

        var page = await read.Page.WaitAsync(ct);
        return shown is not null && page.Total == shown.Total && page.AllCount == shown.AllCount && page.Rows.SequenceEqual(shown.Rows) ? null : page;
    }

    private static bool Same(IndexPage found, CustomerPage shown)
    {
        if (found.Total != shown.Total || found.AllCount != shown.AllCount || found.Ids.Length != shown.Rows.Count)
        {
            return false;
        }

        for (var i = 0; i < found.Ids.Length; i++)
        {
            if (found.Ids[i] != shown.Rows[i].Id)
            {
                return false;
            }
        }

        return true;
    }

    private SharedRead Shared(DirectoryQuery query)
    {
        // Read before the work can start: the work then sees every change counted here.
        var key = new SharedKey(changes.AppliedCount, query.Fields, query.Filter?.ToJson(), query.Text, query.Sort, query.Descending, query.Skip, query.Take);
        lock (_sharedGate)
        {
            if (key.Applied > _sharedApplied)
            {
                _shared = [];
                _sharedApplied = key.Applied;
            }
            else if (key.Applied == _sharedApplied && _shared.TryGetValue(key, out var running))
            {
                return running;
            }

            // Not tied to this caller's cancellation: others may be waiting for it.
            var read = new SharedRead(() => FindAsync(query, CancellationToken.None), found => PageAsync(query, found.Bound, found.Found, CancellationToken.None));
            if (key.Applied == _sharedApplied && _shared.Count < MaxSharedPages)
            {
                _shared[key] = read;
            }

            return read;
        }
    }

    /// <summary>What makes two refreshes the same read: the applied change, the caller's field access and the query as they may run it.</summary>
    private sealed record SharedKey(long Applied, FieldAccess Fields, string? Filter, string? Text, CustomerSort Sort, bool Descending, int Skip, int Take);

    /// <summary>One read, started by the first refresh that needs each part: the ids from the index, then the rows.</summary>
    private sealed class SharedRead
    {
        private readonly Lazy<Task<(Bound Bound, IndexPage? Found)>> _found;
        private readonly Lazy<Task<CustomerPage>> _page;

        public SharedRead(Func<Task<(Bound Bound, IndexPage? Found)>> find, Func<(Bound Bound, IndexPage? Found), Task<CustomerPage>> page)
        {
            _found = new(find);
            _page = new(async () => await page(await _found.Value));
        }

        public Task<(Bound Bound, IndexPage? Found)> Found => _found.Value;

        public Task<CustomerPage> Page => _page.Value;
    }
}
