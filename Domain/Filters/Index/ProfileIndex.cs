using System.Data.Common;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Filters.Index;

/// <summary>
/// Every profile's filterable facts in memory, column by column, so filters, counts, sorting, paging and search run
/// in milliseconds at a million profiles. Built from the database at start-up (<see cref="BuildAsync"/>), then kept
/// current by the change feed: each committed write is applied (<see cref="Apply"/>) before any screen hears of it.
/// </summary>
/// <remarks>
/// Readers share a read lock; a refresh re-reads the changed profile from the database outside the lock (serialised,
/// so refreshes apply in commit order) and swaps its values in under the write lock. Until the index is ready,
/// <see cref="IsReady"/> is false and callers use the SQL path. The SQL translation (<see cref="SqlFilter"/>) is the
/// reference: the differential test checks this index against it.
/// </remarks>
public sealed partial class ProfileIndex(IDbContextFactory<DirectoryDbContext> dbFactory, ILogger<ProfileIndex> logger) : IChangeApplier, IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _refreshGate = new();
    private readonly HashSet<int> _pending = [];
    private readonly TaskCompletionSource _built = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _ready;
    private volatile bool _building;

    // Slots: one per profile, in the order profiles were loaded or created.
    private int _count;
    private int _capacity;
    private int[] _ids = [];
    private int[] _slotById = [];
    private Bitmap _live = new(0);

    // Text, folded (phone: digit key; email key: as stored, for sorting).
    private readonly TextColumn _firstName = new(intern: true);
    private readonly TextColumn _lastName = new(intern: true);
    private readonly TextColumn _email = new(intern: false);
    private readonly TextColumn _emailKey = new(intern: false);
    private readonly TextColumn _phone = new(intern: false);
    private readonly TextColumn _address = new(intern: false);
    private readonly TextColumn _postalCode = new(intern: true);
    private readonly TextColumn _city = new(intern: true);
    private readonly TextColumn _country = new(intern: true);

    // Numbers, moments (Moments: seconds), dates (day numbers), enumerations and flags.
    private int[] _birthday = [];
    private int[] _createdAt = [];
    private int[] _firstVisitAt = [];
    private int[] _lastVisitAt = [];
    private int[] _firstOrderAt = [];
    private int[] _lastOrderAt = [];
    private int[] _lastDonationAt = [];
    private int[] _subscribedAt = [];
    private int[] _visitCount = [];
    private int[] _orderCount = [];
    private int[] _donationCount = [];
    private int[] _activeMemberships = [];
    private int[] _loyaltyPoints = [];
    private long[] _totalSpent = [];
    private long[] _donationTotal = [];
    private byte[] _source = [];
    private byte[] _emailConsent = [];
    private byte[] _smsConsent = [];
    private byte[] _hasAccount = [];
    private byte[] _photoUploaded = [];
    private byte[] _loyaltyEnrolled = [];
    private byte[] _rewardInSight = [];

    // Whether each profile's email and phone can be sent to (AudienceRules: missing, invalid, usable), for audiences.
    private byte[] _emailState = [];
    private byte[] _phoneState = [];

    // Sets and activity.
    private readonly SetColumn _tags = new();
    private readonly SetColumn _lists = new();
    private readonly SetColumn _plans = new();
    private readonly SetColumn _statuses = new();
    private readonly Dictionary<string, int> _planIds = new(StringComparer.Ordinal);
    private readonly ActivityColumn _visits = new(withAmounts: false);
    private readonly ActivityColumn _orders = new(withAmounts: true);
    private readonly ActivityColumn _donations = new(withAmounts: false);
    private readonly Dictionary<int, CustomColumn> _custom = [];

    /// <summary>True once built; until then, use SQL.</summary>
    public bool IsReady => _ready;

    /// <summary>
    /// True once the index can answer; while it is being built this waits for it (a filter at a million profiles is
    /// seconds to minutes in SQL, the build a few seconds). False when no build is under way or it failed: use SQL.
    /// </summary>
    internal async Task<bool> WhenReadyAsync(CancellationToken ct)
    {
        if (_ready || !_building)
        {
            return _ready;
        }

        try
        {
            await _built.Task.WaitAsync(ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Completes when the start-up build finishes (faulted when it failed).</summary>
    public Task Built => _built.Task;

    /// <summary>Profiles in the index.</summary>
    public int Count => _live.Count();

    public void Apply(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Kind is ChangeKind.GroupsChanged or ChangeKind.GroupStatusChanged or ChangeKind.GroupMembershipChanged or ChangeKind.JobsChanged or ChangeKind.ViewsChanged or ChangeKind.NotesChanged)
        {
            return; // nothing the index holds (group conditions are resolved from the group engine's sets)
        }

        lock (_refreshGate)
        {
            if (_building || !_ready)
            {
                // Applied once the build is done (the build may or may not have seen this write).
                if (change.CustomerId is { } pendingId)
                {
                    _pending.Add(pendingId);
                }

                _pending.UnionWith(change.CustomerIds ?? []);

                return;
            }

            try
            {
                if (change.Kind == ChangeKind.DefinitionsChanged)
                {
                    RefreshDefinitions();
                }
                else if (change.CustomerId is not null || change.CustomerIds is { Count: > 0 })
                {
                    if (change.CustomerId is { } id)
                    {
                        _pending.Add(id);
                    }

                    _pending.UnionWith(change.CustomerIds ?? []);
                    RefreshPending();
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Kept in _pending: retried with the next change. The nightly backstop rebuild also repairs it.
                logger.LogError(e, "The profile index could not apply {Kind} for {CustomerId}", change.Kind, change.CustomerId);
            }
        }
    }

    /// <summary>Loads every profile from the database; queries are answered by SQL until this completes.</summary>
    public async Task BuildAsync(CancellationToken ct = default)
    {
        lock (_refreshGate)
        {
            if (_ready || _building)
            {
                throw new InvalidOperationException("The profile index is built once per process.");
            }

            _building = true;
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var contexts = new System.Collections.Concurrent.ConcurrentBag<DirectoryDbContext>();
        DbConnection Connect()
        {
            var db = dbFactory.CreateDbContext();
            contexts.Add(db);
            var connection = db.Database.GetDbConnection();
            connection.Open();
            return connection;
        }

        await Task.Yield();
        _lock.EnterWriteLock();
        try
        {
            LoadAll(Connect, ct);
        }
        catch (Exception e)
        {
            // Half-loaded arrays are never used: the index stays not ready and the directory keeps using SQL.
            _building = false;
            _built.TrySetException(e);
            throw;
        }
        finally
        {
            _lock.ExitWriteLock();
            foreach (var db in contexts)
            {
                await db.DisposeAsync();
            }
        }

        lock (_refreshGate)
        {
            _building = false;
            _ready = true;
            try
            {
                RefreshPending();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // What is left in _pending is retried with the next change.
                logger.LogError(e, "The profile index could not apply the changes made while it was being built");
            }
        }

        _built.TrySetResult();

        logger.LogInformation("Profile index built: {Count} profiles in {Seconds:F1} s ({Phases}), about {Megabytes} MB", _count, watch.Elapsed.TotalSeconds, BuildPhases, MemoryBytes / 1_000_000);
    }

    /// <summary>
    /// Re-reads the pending profiles from the database (one connection, in chunks) and swaps their values in; each
    /// one leaves <see cref="_pending"/> once stored, so what fails is retried with the next change.
    /// </summary>
    private void RefreshPending()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        using var db = dbFactory.CreateDbContext();
        var connection = db.Database.GetDbConnection();
        connection.Open();
        foreach (var chunk in _pending.Order().Chunk(500))
        {
            var rows = chunk.Length == 1 ? new Dictionary<int, ProfileRow?> { [chunk[0]] = ProfileRow.Read(connection, chunk[0]) } : ProfileRow.ReadMany(connection, chunk);
            _lock.EnterWriteLock();
            try
            {
                if (rows.Count == 1)
                {
                    var (id, row) = rows.Single();
                    Store(id, row);
                }
                else
                {
                    StoreMany(rows);
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            _pending.ExceptWith(chunk);
        }
    }

    private void RefreshDefinitions()
    {
        using var db = dbFactory.CreateDbContext();
        var tagIds = db.Tags.Select(t => t.Id).ToHashSet();
        var listIds = db.MailingLists.Select(l => l.Id).ToHashSet();
        var fields = db.CustomFields.Select(f => new { f.Id, f.Type }).ToList();
        var optionIds = db.CustomFieldOptions.Select(o => o.Id).ToHashSet();
        var connection = db.Database.GetDbConnection();
        connection.Open();
        var reload = fields.Where(f => !_custom.TryGetValue(f.Id, out var column) || column.Type != f.Type).ToList();
        var loaded = reload.ToDictionary(f => f.Id, f => CustomValues.Read(connection, f.Id));

        _lock.EnterWriteLock();
        try
        {
            foreach (var gone in _tags.Values.Where(v => !tagIds.Contains(v)).ToList())
            {
                _tags.Drop(gone);
            }

            foreach (var gone in _lists.Values.Where(v => !listIds.Contains(v)).ToList())
            {
                _lists.Drop(gone);
            }

            foreach (var gone in _custom.Keys.Where(id => fields.All(f => f.Id != id)).ToList())
            {
                _custom.Remove(gone);
            }

            foreach (var column in _custom.Values)
            {
                foreach (var gone in column.Options.Values.Where(v => !optionIds.Contains(v)).ToList())
                {
                    column.Options.Drop(gone);
                }
            }

            foreach (var field in reload)
            {
                var column = new CustomColumn(field.Type);
                column.Resize(_capacity);
                foreach (var value in loaded[field.Id])
                {
                    if (SlotOf(value.CustomerId) is { } slot)
                    {
                        StoreCustom(column, slot, value, bulk: false);
                    }
                }

                _custom[field.Id] = column;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private int? SlotOf(int id) => id >= 0 && id < _slotById.Length && _slotById[id] > 0 ? _slotById[id] - 1 : null;

    /// <summary>Approximate bytes held by the index's arrays.</summary>
    public long MemoryBytes
    {
        get
        {
            long bytes = (_ids.LongLength * 4) + (_slotById.LongLength * 4) + (_live.Words.LongLength * 8);
            bytes += new[] { _firstName, _lastName, _email, _emailKey, _phone, _address, _postalCode, _city, _country }.Sum(c => c.Bytes);
            bytes += 13L * 4 * _capacity + 2L * 8 * _capacity + 9L * _capacity;
            bytes += _tags.Bytes + _lists.Bytes + _plans.Bytes + _statuses.Bytes;
            bytes += _visits.Bytes + _orders.Bytes + _donations.Bytes;
            bytes += _custom.Values.Sum(c => c.Bytes);
            bytes += _sorted.Values.Sum(p => p.LongLength * 4);
            return bytes;
        }
    }

    public void Dispose() => _lock.Dispose();
}
