using System.Data.Common;
using System.Diagnostics;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace CustomerDirectory.Domain.Groups;

/// <summary>
/// Keeps every group's membership: the ledger in the database and, in memory, each group's current members (one bit
/// per profile id) and overrides. Every change to membership goes through here, one at a time.
/// </summary>
/// <remarks>
/// <para>
/// Automated groups are evaluated in three ways, all computing the same thing for the profiles they look at:
/// desired = (rule ∪ (current members ∩ stay rule) ∪ always-include) \ always-exclude, then the difference with the
/// current members is written to the ledger in one transaction.
/// </para>
/// <list type="bullet">
/// <item>For the profiles that just changed: every write that can change membership publishes a change; the ids
/// are queued and re-evaluated for every automated group right after commit, bursts coalesced into one pass.</item>
/// <item>For a whole group ("update now", a rule edit, the nightly backstop, a deleted tag or field).</item>
/// <item>As a preview that writes nothing ("+37 enter, −12 leave").</item>
/// </list>
/// <para>
/// Rules are evaluated by the in-memory <see cref="ProfileIndex"/> when it is ready, else by SQL; group conditions
/// ("in group X", "joined X within…") read the ledger, in memory for the index. Groups are evaluated in dependency
/// order, so a rule using "in group X" sees X's new members.
/// </para>
/// </remarks>
public sealed class GroupEngine : IDisposable
{
    private readonly IDbContextFactory<DirectoryDbContext> _dbFactory;
    private readonly ProfileIndex _index;
    private readonly FilterCatalogService _catalogs;
    private readonly MerchantOptions _merchant;
    private readonly TimeProvider _clock;
    private readonly ChangeFeed _changes;
    private readonly Automations.AutomationOutbox _outbox;
    private readonly ILogger<GroupEngine> _logger;
    private readonly IDisposable _subscription;

    // One writer of membership at a time: incremental passes, full evaluations, manual edits and overrides.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _stateLock = new();
    private Dictionary<int, IdSet> _members = [];
    private Dictionary<int, Dictionary<int, bool>> _overrides = [];
    private Task? _loaded;

    // Queued profiles for the incremental pass, with why they changed.
    private readonly Lock _queueLock = new();
    private Dictionary<int, MembershipCause> _queued = [];
    private bool _fullQueued;
    private Task _worker = Task.CompletedTask;

    private readonly Dictionary<int, double> _progress = [];

    public GroupEngine(IDbContextFactory<DirectoryDbContext> dbFactory, ProfileIndex index, FilterCatalogService catalogs, MerchantOptions merchant, TimeProvider clock, ChangeFeed changes, Automations.AutomationOutbox outbox, ILogger<GroupEngine> logger)
    {
        _dbFactory = dbFactory;
        _index = index;
        _catalogs = catalogs;
        _merchant = merchant;
        _clock = clock;
        _changes = changes;
        _outbox = outbox;
        _logger = logger;
        _subscription = changes.Subscribe(OnChange);
    }

    /// <summary>The last incremental pass: profiles, time to evaluate every group, total time with the ledger written (the benchmark reads it).</summary>
    public (int Profiles, double EvaluateMs, double TotalMs) LastPass { get; private set; }

    /// <summary>The progress (0 to 1) of a group being evaluated right now; null when it is not running.</summary>
    public double? ProgressOf(int groupId)
    {
        lock (_progress)
        {
            return _progress.TryGetValue(groupId, out var p) ? p : null;
        }
    }

    private void OnChange(ChangeEvent change)
    {
        switch (change.Kind)
        {
            case ChangeKind.GroupsChanged or ChangeKind.GroupStatusChanged:
                Interlocked.Increment(ref _activeVersion); // a rule, a pause or a group changed: re-read the active groups
                break;
            case ChangeKind.CustomerCreated or ChangeKind.CustomerUpdated or ChangeKind.ActivityChanged or ChangeKind.TagsChanged
                or ChangeKind.ListsChanged or ChangeKind.CustomFieldValuesChanged when change.CustomerId is { } id:
                Enqueue([id], MembershipCause.Rule);
                break;
            case ChangeKind.ConsentChanged when change.CustomerId is { } id:
                Enqueue([id], MembershipCause.ConsentChange);
                break;
            case ChangeKind.ProfilesImported when change.CustomerIds is { } ids:
                Enqueue(ids, MembershipCause.Import);
                break;
            case ChangeKind.DefinitionsChanged:
                // A tag, list, field or option was deleted or changed: any rule may now mean something else.
                lock (_queueLock)
                {
                    _fullQueued = true;
                    StartWorker();
                }

                break;
        }
    }

    /// <summary>Queues profiles for re-evaluation in every automated group (coalesced with what is already queued).</summary>
    public void Enqueue(IEnumerable<int> customerIds, MembershipCause cause)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        lock (_queueLock)
        {
            foreach (var id in customerIds)
            {
                // A consent change is the more telling cause when both happened in one burst.
                if (!_queued.TryGetValue(id, out var existing) || existing == MembershipCause.Rule)
                {
                    _queued[id] = cause;
                }
            }

            StartWorker();
        }
    }

    private void StartWorker()
    {
        if (_worker.IsCompleted)
        {
            _worker = Task.Run(DrainAsync);
        }
    }

    /// <summary>Completes once everything queued so far has been evaluated and written.</summary>
    public async Task WhenIdleAsync(CancellationToken ct = default)
    {
        while (true)
        {
            Task worker;
            lock (_queueLock)
            {
                if (_worker.IsCompleted && _queued.Count == 0 && !_fullQueued)
                {
                    return;
                }

                worker = _worker;
            }

            await worker.WaitAsync(ct);
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            Dictionary<int, MembershipCause> batch;
            bool full;
            lock (_queueLock)
            {
                if (_queued.Count == 0 && !_fullQueued)
                {
                    return;
                }

                (batch, _queued) = (_queued, []);
                (full, _fullQueued) = (_fullQueued, false);
            }

            try
            {
                if (full)
                {
                    await EvaluateAllAsync(MembershipCause.Rule, null, CancellationToken.None);
                }

                if (batch.Count > 0)
                {
                    await EvaluateProfilesAsync(batch, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Not lost for long: the next full evaluation (update now, nightly backstop) repairs any drift.
                _logger.LogError(e, "Re-evaluating groups for {Count} changed profiles failed", batch.Count);
            }
        }
    }

    /// <summary>Loads the current members and overrides of every group, once.</summary>
    public Task EnsureLoadedAsync(CancellationToken ct = default)
    {
        lock (_stateLock)
        {
            if (_loaded is null || _loaded.IsFaulted || _loaded.IsCanceled)
            {
                _loaded = LoadAsync(ct);
            }

            return _loaded;
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var members = new Dictionary<int, IdSet>();
        foreach (var id in await db.Groups.Select(g => g.Id).ToListAsync(ct))
        {
            members[id] = new IdSet();
        }

        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT GroupId, CustomerId FROM GroupMembers WHERE LeftAt IS NULL";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var groupId = reader.GetInt32(0);
                if (!members.TryGetValue(groupId, out var set))
                {
                    members[groupId] = set = new IdSet();
                }

                set.Add(reader.GetInt32(1));
            }
        }

        var overrides = new Dictionary<int, Dictionary<int, bool>>();
        foreach (var o in await db.GroupOverrides.AsNoTracking().ToListAsync(ct))
        {
            if (!overrides.TryGetValue(o.GroupId, out var map))
            {
                overrides[o.GroupId] = map = [];
            }

            map[o.CustomerId] = o.Include;
        }

        lock (_stateLock)
        {
            _members = members;
            _overrides = overrides;
        }
    }

    /// <summary>A copy of the group's current members (empty for an unknown group).</summary>
    internal async Task<IdSet> MembersOfAsync(int groupId, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct);
        lock (_stateLock)
        {
            return _members.TryGetValue(groupId, out var set) ? set.Copy() : new IdSet();
        }
    }

    /// <summary>How many members the group has now (from memory).</summary>
    public async Task<int> CountAsync(int groupId, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        lock (_stateLock)
        {
            return _members.TryGetValue(groupId, out var set) ? set.Count() : 0;
        }
    }

    /// <summary>
    /// Replaces group conditions by the ids they stand for, so the in-memory index (which holds no memberships) can
    /// evaluate the filter. The SQL path needs no such step: it reads the ledger.
    /// </summary>
    internal async Task<Bound> ResolveAsync(Bound bound, CancellationToken ct)
    {
        if (!Mentions(bound))
        {
            return bound;
        }

        await EnsureLoadedAsync(ct);
        return await ResolveNodeAsync(bound, ct);
    }

    private static bool Mentions(Bound bound) => bound switch
    {
        BoundSet { Kind: SetKind.Groups } or BoundGroupJoined => true,
        BoundGroup g => g.Items.Any(Mentions),
        BoundNot n => Mentions(n.Inner),
        _ => false,
    };

    private async Task<Bound> ResolveNodeAsync(Bound bound, CancellationToken ct)
    {
        switch (bound)
        {
            case BoundGroup g:
                var items = new List<Bound>(g.Items.Count);
                foreach (var item in g.Items)
                {
                    items.Add(await ResolveNodeAsync(item, ct));
                }

                return g with { Items = items };
            case BoundNot n:
                return new BoundNot(await ResolveNodeAsync(n.Inner, ct));
            case BoundSet { Kind: SetKind.Groups } s:
                lock (_stateLock)
                {
                    var sets = s.Ids.Count == 0 ? [.. _members.Values] : s.Ids.Select(id => _members.GetValueOrDefault(id) ?? new IdSet()).ToList();
                    var result = sets.Count == 0 ? new IdSet() : sets[0].Copy();
                    foreach (var set in sets.Skip(1))
                    {
                        _ = s.All ? result.IntersectWith(set) : result.UnionWith(set);
                    }

                    return new BoundIds(result);
                }

            case BoundGroupJoined { From: null, To: null } j:
                lock (_stateLock)
                {
                    return new BoundIds(_members.GetValueOrDefault(j.GroupId)?.Copy() ?? new IdSet());
                }

            case BoundGroupJoined j:
                await using (var db = await _dbFactory.CreateDbContextAsync(ct))
                {
                    var (from, to) = (j.From ?? DateTime.MinValue, j.To ?? DateTime.MaxValue);
                    var ids = await db.GroupMembers
                        .Where(m => m.GroupId == j.GroupId && m.LeftAt == null && m.EnteredAt >= from && m.EnteredAt < to)
                        .Select(m => m.CustomerId)
                        .ToListAsync(ct);
                    return new BoundIds(new IdSet(ids));
                }

            default:
                return bound;
        }
    }

    /// <summary>
    /// The ids matching <paramref name="bound"/>, ascending, among <paramref name="among"/> (everyone when null):
    /// by the index when it is ready, else by SQL.
    /// </summary>
    internal async Task<int[]> MatchAsync(Bound bound, IReadOnlyCollection<int>? among, CancellationToken ct)
    {
        if (among is { Count: 0 })
        {
            return [];
        }

        // Group conditions come from memory on both paths, so a dependant evaluated in the same pass sees the members
        // its dependency just gained, before they are written.
        var resolved = await ResolveAsync(bound, ct);
        if (_index.IsReady)
        {
            return among is null ? _index.MatchingIds(resolved, null, ct) : _index.MatchingIdsAmong(resolved, among, ct);
        }

        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var query = db.Customers.AsNoTracking();
        if (resolved is not BoundConstant { Value: true })
        {
            query = query.Where(SqlFilter.Predicate(resolved, db));
        }

        if (among is null)
        {
            return await query.OrderBy(c => c.Id).Select(c => c.Id).ToArrayAsync(ct);
        }

        var found = new List<int>();
        foreach (var chunk in among.Chunk(5000))
        {
            found.AddRange(await query.Where(c => chunk.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct));
        }

        found.Sort();
        return [.. found];
    }

    /// <summary>Everyone matching, as a set (the index fills it without sorting).</summary>
    private async Task<IdSet> MatchSetAsync(Bound bound, CancellationToken ct)
    {
        if (_index.IsReady)
        {
            var resolved = await ResolveAsync(bound, ct);
            return _index.MatchingIdSet(resolved, ct);
        }

        return new IdSet(await MatchAsync(bound, null, ct));
    }

    /// <summary>Which of the ids belong to existing profiles.</summary>
    private async Task<IdSet> ExistingAsync(IEnumerable<int> ids, CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        return await ExistingAsync(db, ids, ct);
    }

    /// <summary>Which of the ids belong to existing profiles, read through <paramref name="db"/> (and its transaction, if any).</summary>
    private static async Task<IdSet> ExistingAsync(DirectoryDbContext db, IEnumerable<int> ids, CancellationToken ct)
    {
        var result = new IdSet();
        foreach (var chunk in ids.Chunk(5000))
        {
            foreach (var id in await db.Customers.Where(c => chunk.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct))
            {
                result.Add(id);
            }
        }

        return result;
    }

    /// <summary>An automated group's rule and stay rule, bound now; throws <see cref="FilterException"/> when they no longer bind.</summary>
    internal async Task<(Bound Rule, Bound? Stay)> BindAsync(string? ruleJson, string? stayRuleJson, CancellationToken ct)
    {
        var catalog = await _catalogs.GetAsync(ct);
        var now = _clock.GetUtcNow().UtcDateTime;
        var rule = ruleJson is null ? new BoundConstant(false) : FilterBinder.Bind(Parse(ruleJson), catalog, now, _merchant.TimeZone);
        Bound? stay = null;
        if (stayRuleJson is not null)
        {
            try
            {
                stay = FilterBinder.Bind(Parse(stayRuleJson), catalog, now, _merchant.TimeZone);
            }
            catch (FilterException e)
            {
                throw new FilterException($"Stay rule: {e.Message}");
            }
        }

        return (rule, stay);
    }

    // Rules are re-bound on every pass ("now" moves) but parsed once: definitions are immutable records.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FilterDefinition> _parsed = new(StringComparer.Ordinal);

    private FilterDefinition Parse(string json)
    {
        if (_parsed.TryGetValue(json, out var definition))
        {
            return definition;
        }

        if (_parsed.Count > 1000)
        {
            _parsed.Clear();
        }

        return _parsed[json] = FilterDefinition.FromJson(json);
    }

    /// <summary>
    /// Who the group would hold, computed without writing anything: for a preview, and the first step of every
    /// evaluation. <paramref name="among"/> limits it to some profiles (null: everyone); outside them nothing changes.
    /// </summary>
    internal async Task<Desired> ComputeAsync(int? groupId, Bound rule, Bound? stay, IReadOnlyCollection<int>? among, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct);
        return among is null ? await ComputeAllAsync(groupId, rule, stay, ct) : await ComputeAmongAsync(groupId, rule, stay, among, ct);
    }

    private async Task<Desired> ComputeAllAsync(int? groupId, Bound rule, Bound? stay, CancellationToken ct)
    {
        IdSet current;
        Dictionary<int, bool> overrides;
        lock (_stateLock)
        {
            current = groupId is { } g && _members.TryGetValue(g, out var set) ? set.Copy() : new IdSet();
            overrides = groupId is { } g2 && _overrides.TryGetValue(g2, out var map) ? new(map) : [];
        }

        var next = await MatchSetAsync(rule, ct);
        if (stay is not null)
        {
            next.UnionWith(new IdSet(await MatchAsync(stay, current.ToArray(), ct)));
        }

        var includes = overrides.Where(o => o.Value).Select(o => o.Key).ToList();
        if (includes.Count > 0)
        {
            // Always-include holds for existing profiles only.
            next.UnionWith(await ExistingAsync(includes, ct));
        }

        foreach (var (id, include) in overrides)
        {
            if (!include)
            {
                next.Remove(id);
            }
        }

        return new Desired(next.Copy().ExceptWith(current).ToArray(), current.Copy().ExceptWith(next).ToArray(), next.Count());
    }

    /// <summary>The same for a few profiles (the incremental pass): work proportional to them, not to the directory.</summary>
    private async Task<Desired> ComputeAmongAsync(int? groupId, Bound rule, Bound? stay, IReadOnlyCollection<int> among, CancellationToken ct)
    {
        var current = new HashSet<int>();
        var overrides = new Dictionary<int, bool>();
        lock (_stateLock)
        {
            var members = groupId is { } g && _members.TryGetValue(g, out var set) ? set : null;
            var map = groupId is { } g2 && _overrides.TryGetValue(g2, out var m) ? m : null;
            foreach (var id in among)
            {
                if (members?.Contains(id) == true)
                {
                    current.Add(id);
                }

                if (map is not null && map.TryGetValue(id, out var include))
                {
                    overrides[id] = include;
                }
            }
        }

        var next = new HashSet<int>(await MatchAsync(rule, among, ct));
        if (stay is not null && current.Count > 0)
        {
            next.UnionWith(await MatchAsync(stay, current, ct));
        }

        var includes = overrides.Where(o => o.Value).Select(o => o.Key).ToList();
        if (includes.Count > 0)
        {
            next.UnionWith((await ExistingAsync(includes, ct)).Ids());
        }

        next.ExceptWith(overrides.Where(o => !o.Value).Select(o => o.Key));
        int[] entering = [.. next.Where(id => !current.Contains(id)).Order()];
        int[] leaving = [.. current.Where(id => !next.Contains(id)).Order()];
        return new Desired(entering, leaving, null); // a few profiles: counting the whole group would cost more than the pass
    }

    /// <summary>Who would enter and leave, and (for a whole-group evaluation) how many members there would be.</summary>
    internal sealed record Desired(int[] Entering, int[] Leaving, int? Members);

    /// <summary>
    /// Evaluates one automated group for everyone and writes the difference; returns (entered, left). A paused
    /// group is left alone unless <paramref name="evenIfPaused"/> (the person pressed "update now").
    /// </summary>
    public async Task<(int Entered, int Left)> EvaluateGroupAsync(int groupId, MembershipCause cause, string? actor, bool evenIfPaused = false, CancellationToken ct = default)
    {
        // Several "update now" requests for one group while it waits or runs share that run: one evaluation, one result.
        Task<(int Entered, int Left)> run;
        lock (_inFlight)
        {
            if (!_inFlight.TryGetValue(groupId, out var existing) || existing.IsCompleted)
            {
                existing = RunGroupAsync(groupId, cause, actor, evenIfPaused, ct);
                _inFlight[groupId] = existing;
            }

            run = existing;
        }

        return await run.WaitAsync(ct);
    }

    private readonly Dictionary<int, Task<(int Entered, int Left)>> _inFlight = [];

    /// <summary>Holds the engine's lock until disposed, as a long evaluation would (tests of what waits behind one).</summary>
    internal async Task<IDisposable> HoldAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        return new Release(_gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    /// <summary>How many whole-group evaluations have run since start (tests check that concurrent requests share one).</summary>
    public int GroupRuns => Volatile.Read(ref _groupRuns);

    private int _groupRuns;

    private async Task<(int Entered, int Left)> RunGroupAsync(int groupId, MembershipCause cause, string? actor, bool evenIfPaused, CancellationToken ct)
    {
        await Task.Yield();
        await _gate.WaitAsync(ct);
        try
        {
            Interlocked.Increment(ref _groupRuns);
            var result = await EvaluateGroupLockedAsync(groupId, cause, actor, evenIfPaused, ct);
            if (result.Changed.Length > 0 && await HasDependantsAsync(groupId, ct))
            {
                Enqueue(result.Changed, MembershipCause.Rule); // dependants see the new members
            }

            return (result.Entered, result.Left);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Evaluates every automated group that is not paused, in dependency order (start-up and the nightly backstop).</summary>
    public Task<EvaluationSummary> EvaluateAllAsync(MembershipCause cause, string? actor, CancellationToken ct = default) =>
        EvaluateManyAsync(onlyTimeDependent: false, cause, actor, null, ct);

    /// <summary>
    /// The time sweep: evaluates only the groups whose rules depend on the clock ("within the last 8 weeks",
    /// "at least 2 visits in 365 days", "joined within…"), which change as time passes with no data change.
    /// </summary>
    public Task<EvaluationSummary> EvaluateTimeDependentAsync(IProgress<double>? progress = null, CancellationToken ct = default) =>
        EvaluateManyAsync(onlyTimeDependent: true, MembershipCause.Rule, null, progress, ct);

    /// <summary>Evaluates every automated group with <paramref name="progress"/> (0 to 1) reported after each group.</summary>
    public Task<EvaluationSummary> EvaluateAllAsync(IProgress<double>? progress, CancellationToken ct = default) =>
        EvaluateManyAsync(onlyTimeDependent: false, MembershipCause.Rule, null, progress, ct);

    private async Task<EvaluationSummary> EvaluateManyAsync(bool onlyTimeDependent, MembershipCause cause, string? actor, IProgress<double>? progress, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var (groups, order) = await ActiveAsync(ct);
            var chosen = order.Where(id => !onlyTimeDependent || IsTimeDependent(groups[id].RuleJson, groups[id].StayRuleJson)).ToList();
            var perGroup = new List<GroupEvaluation>(chosen.Count);
            for (var i = 0; i < chosen.Count; i++)
            {
                var id = chosen[i];
                var result = await EvaluateGroupLockedAsync(id, cause, actor, evenIfPaused: false, ct);
                perGroup.Add(new GroupEvaluation(id, IsTimeDependent(groups[id].RuleJson, groups[id].StayRuleJson), result.Entered, result.Left));
                progress?.Report((i + 1) / (double)chosen.Count);
            }

            return new EvaluationSummary(perGroup);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Whether a rule's result can change with time alone (relative periods, behaviour windows, "joined within").</summary>
    internal bool IsTimeDependent(string? ruleJson, string? stayRuleJson)
    {
        foreach (var json in new[] { ruleJson, stayRuleJson })
        {
            if (json is not null && Mentions(Parse(json).Root))
            {
                return true;
            }
        }

        return false;

        static bool Mentions(FilterNode? node) => node is not null
            && (node.Op is FilterOperator.WithinLast or FilterOperator.MoreThanAgo or FilterOperator.AtLeast or FilterOperator.LessThan
                || (node.Items ?? []).Any(Mentions));
    }

    private async Task<(int Entered, int Left, int[] Changed)> EvaluateGroupLockedAsync(int groupId, MembershipCause cause, string? actor, bool evenIfPaused, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct);
        var watch = Stopwatch.StartNew();
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var group = await db.Groups.SingleOrDefaultAsync(g => g.Id == groupId, ct) ?? throw GroupService.NotFound();
        if (group.Kind != GroupKind.Automated || (group.Paused && !evenIfPaused))
        {
            return (0, 0, []);
        }

        SetProgress(groupId, 0);
        _changes.Publish(ChangeKind.GroupStatusChanged, groupId: groupId); // screens show "computing"
        try
        {
            Bound rule;
            Bound? stay;
            try
            {
                (rule, stay) = await BindAsync(group.RuleJson, group.StayRuleJson, ct);
            }
            catch (FilterException e)
            {
                group.Failed(e.Message, _clock.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync(ct);
                _changes.Publish(ChangeKind.GroupStatusChanged, groupId: groupId);
                return (0, 0, []);
            }

            var desired = await ComputeAsync(groupId, rule, stay, null, ct);
            SetProgress(groupId, 0.5);
            var entering = desired.Entering;
            var leaving = desired.Leaving;
            var gone = leaving.Length == 0 ? new IdSet() : new IdSet(leaving).ExceptWith(await ExistingAsync(leaving, ct));
            var now = _clock.GetUtcNow().UtcDateTime;
            await RecomputableWritesAsync(db, ct);
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                var ledger = new LedgerWriter(db, now, actor, _outbox);
                ledger.Enter(groupId, entering, cause, group.RuleVersion, p => SetProgress(groupId, 0.5 + (p * 0.25)));
                ledger.Leave(groupId, leaving, id => gone.Contains(id) ? MembershipCause.ProfileDeleted : cause, group.RuleVersion, p => SetProgress(groupId, 0.75 + (p * 0.25)));
                group.Evaluated(now, (int)watch.ElapsedMilliseconds);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }

            _outbox.Committed();
            Commit(groupId, entering, leaving);
            _changes.Publish(ChangeKind.GroupStatusChanged, groupId: groupId);
            if (entering.Length + leaving.Length > 0)
            {
                _changes.Publish(ChangeKind.GroupMembershipChanged, entering.Length + leaving.Length == 1 ? entering.Concat(leaving).Single() : null, groupId);
            }

            if (entering.Length + leaving.Length > 0 || cause != MembershipCause.Rule)
            {
                _logger.LogInformation("Group {GroupId} evaluated in {Ms} ms: {Entered} entered, {Left} left", groupId, watch.ElapsedMilliseconds, entering.Length, leaving.Length);
            }

            return (entering.Length, leaving.Length, [.. entering, .. leaving]);
        }
        finally
        {
            SetProgress(groupId, null);
        }
    }

    /// <summary>The incremental pass: the queued profiles, in every automated group that is not paused.</summary>
    private async Task EvaluateProfilesAsync(Dictionary<int, MembershipCause> batch, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await EnsureLoadedAsync(ct);
            var watch = Stopwatch.StartNew();
            var ids = batch.Keys.ToArray();
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            var (groups, order) = await ActiveAsync(ct);
            var changed = new List<(int GroupId, int RuleVersion, int[] Entering, int[] Leaving)>();
            foreach (var groupId in order)
            {
                var group = groups[groupId];
                Bound rule;
                Bound? stay;
                try
                {
                    (rule, stay) = await BindAsync(group.RuleJson, group.StayRuleJson, ct);
                }
                catch (FilterException)
                {
                    continue; // the full evaluation records the error on the group
                }

                var desired = await ComputeAsync(groupId, rule, stay, ids, ct);
                var (entering, leaving) = (desired.Entering, desired.Leaving);
                if (entering.Length + leaving.Length > 0)
                {
                    // Later groups in the order (dependants) see this one's new members.
                    Commit(groupId, entering, leaving);
                    changed.Add((groupId, group.RuleVersion, entering, leaving));
                }
            }

            var evaluated = watch.Elapsed.TotalMilliseconds;
            if (changed.Count > 0)
            {
                var existing = changed.Any(c => c.Leaving.Length > 0) ? await ExistingAsync(ids, ct) : new IdSet();
                await RecomputableWritesAsync(db, ct);
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var ledger = new LedgerWriter(db, _clock.GetUtcNow().UtcDateTime, null, _outbox);
                foreach (var (groupId, ruleVersion, entering, leaving) in changed)
                {
                    ledger.Enter(groupId, entering, id => batch[id], ruleVersion);
                    ledger.Leave(groupId, leaving, id => existing.Contains(id) ? batch[id] : MembershipCause.ProfileDeleted, ruleVersion);
                }

                await tx.CommitAsync(ct);
                _outbox.Committed();
            }

            LastPass = (ids.Length, evaluated, watch.Elapsed.TotalMilliseconds);
            foreach (var (groupId, _, entering, leaving) in changed)
            {
                _changes.Publish(ChangeKind.GroupMembershipChanged, entering.Length + leaving.Length == 1 ? entering.Concat(leaving).Single() : null, groupId);
            }
        }
        catch
        {
            // Memory may be ahead of a rolled-back transaction: reload it from the ledger.
            lock (_stateLock)
            {
                _loaded = null;
            }

            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Adds or removes people by hand (manual groups), writing the ledger; returns how many changed.</summary>
    internal async Task<int> ApplyManualAsync(int groupId, IReadOnlyCollection<int> customerIds, bool add, MembershipCause cause, string actor, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await EnsureLoadedAsync(ct);
            IdSet current;
            lock (_stateLock)
            {
                current = _members.TryGetValue(groupId, out var set) ? set.Copy() : new IdSet();
            }

            int[] change = add
                ? [.. customerIds.Where(id => !current.Contains(id)).Distinct().Order()]
                : [.. customerIds.Where(current.Contains).Distinct().Order()];
            if (change.Length == 0)
            {
                return 0;
            }

            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                if (add)
                {
                    // Read under the write lock (SQLite: BEGIN IMMEDIATE), not before it: a profile whose delete
                    // committed first is skipped, and a delete committing after finds this membership and closes it
                    // (CustomerService.DeleteAsync). Nothing else would catch it: GroupMembers has no foreign key to
                    // Customers (the ledger outlives profiles). A PostgreSQL port must lock the rows (FOR SHARE).
                    if (!await db.Groups.AnyAsync(g => g.Id == groupId, ct))
                    {
                        throw GroupService.NotFound(); // deleted meanwhile: say so, not "FOREIGN KEY constraint failed"
                    }

                    change = (await ExistingAsync(db, change, ct)).ToArray();
                    if (change.Length == 0)
                    {
                        return 0;
                    }
                }

                var ledger = new LedgerWriter(db, _clock.GetUtcNow().UtcDateTime, actor, _outbox);
                if (add)
                {
                    ledger.Enter(groupId, change, cause, null);
                }
                else
                {
                    ledger.Leave(groupId, change, _ => cause, null);
                }

                await tx.CommitAsync(ct);
            }

            _outbox.Committed();
            Commit(groupId, add ? change : [], add ? [] : change);
            _changes.Publish(ChangeKind.GroupMembershipChanged, change.Length == 1 ? change[0] : null, groupId);
            if (await HasDependantsAsync(groupId, ct))
            {
                Enqueue(change, MembershipCause.Rule); // automated groups using "in group X"
            }

            return change.Length;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sets (true: include, false: exclude) or clears (null) a person's override, and applies it at once.</summary>
    internal async Task SetOverrideAsync(int groupId, int customerId, bool? include, string actor, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await EnsureLoadedAsync(ct);
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            var group = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == groupId, ct) ?? throw GroupService.NotFound();
            if (group.Kind != GroupKind.Automated)
            {
                throw new DomainException("Overrides are for automated groups; add or remove people from a manual group directly.");
            }

            // Checked under the write lock (SQLite: BEGIN IMMEDIATE), as a manual add is: a profile deleted the moment before
            // is "not found", not a foreign key failure; one deleted after takes its override with it (cascade).
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.EnsureCustomerExistsAsync(customerId, ct);
            var row = await db.GroupOverrides.SingleOrDefaultAsync(o => o.GroupId == groupId && o.CustomerId == customerId, ct);
            var now = _clock.GetUtcNow().UtcDateTime;
            if (include is null)
            {
                if (row is not null)
                {
                    db.GroupOverrides.Remove(row);
                }
            }
            else if (row is null)
            {
                db.GroupOverrides.Add(new GroupOverride { GroupId = groupId, CustomerId = customerId, Include = include.Value, At = now, By = Actor(actor) });
            }
            else
            {
                (row.Include, row.At, row.By) = (include.Value, now, Actor(actor));
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            lock (_stateLock)
            {
                if (!_overrides.TryGetValue(groupId, out var map))
                {
                    _overrides[groupId] = map = [];
                }

                if (include is { } value)
                {
                    map[customerId] = value;
                }
                else
                {
                    map.Remove(customerId);
                }
            }

            _changes.Publish(ChangeKind.GroupStatusChanged, customerId, groupId);
        }
        finally
        {
            _gate.Release();
        }

        // Applied through the incremental pass, which honours pauses and writes the cause.
        Enqueue([customerId], include switch { true => MembershipCause.OverrideInclude, _ => MembershipCause.OverrideExclude });
        await WhenIdleAsync(ct);
    }

    /// <summary>Forgets a deleted group (its ledger rows went with it).</summary>
    internal void Forget(int groupId)
    {
        lock (_stateLock)
        {
            _members.Remove(groupId);
            _overrides.Remove(groupId);
        }
    }

    private void Commit(int groupId, int[] entering, int[] leaving)
    {
        lock (_stateLock)
        {
            if (!_members.TryGetValue(groupId, out var set))
            {
                _members[groupId] = set = new IdSet();
            }

            foreach (var id in entering)
            {
                set.Add(id);
            }

            foreach (var id in leaving)
            {
                set.Remove(id);
            }
        }
    }

    private void SetProgress(int groupId, double? progress)
    {
        lock (_progress)
        {
            if (progress is { } p)
            {
                _progress[groupId] = p;
            }
            else
            {
                _progress.Remove(groupId);
            }
        }
    }

    private async Task<List<int>> OrderedAutomatedAsync(CancellationToken ct) => (await ActiveAsync(ct)).Order;

    /// <summary>An automated group that is not paused, as the incremental pass needs it.</summary>
    private sealed record ActiveGroup(int Id, string? RuleJson, string? StayRuleJson, int RuleVersion);

    // The active groups and their dependency order, re-read only after a group or its status changed (every
    // incremental pass needs them; reading them each time was a tenth of a one-profile pass).
    private long _activeVersion;
    private (long Version, Dictionary<int, ActiveGroup> Groups, List<int> Order)? _active;

    private async Task<(Dictionary<int, ActiveGroup> Groups, List<int> Order)> ActiveAsync(CancellationToken ct)
    {
        var version = Interlocked.Read(ref _activeVersion);
        if (_active is { } cached && cached.Version == version)
        {
            return (cached.Groups, cached.Order);
        }

        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var groups = await db.Groups.AsNoTracking()
            .Where(g => g.Kind == GroupKind.Automated && !g.Paused)
            .Select(g => new ActiveGroup(g.Id, g.RuleJson, g.StayRuleJson, g.RuleVersion))
            .ToDictionaryAsync(g => g.Id, ct);
        var order = Order(groups.ToDictionary(g => g.Key, g => Dependencies(g.Value.RuleJson, g.Value.StayRuleJson)));
        _active = (version, groups, order);
        return (groups, order);
    }

    /// <summary>
    /// What a rule decides can always be decided again: the start-up evaluation repairs anything a power cut takes
    /// away. So rule-driven ledger writes skip the per-commit fsync (synchronous=NORMAL on this connection only;
    /// WAL keeps the file consistent and every other connection stays FULL). Manual edits and overrides, which
    /// nobody could recompute, keep FULL.
    /// </summary>
    private static async Task RecomputableWritesAsync(DirectoryDbContext db, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL", ct);
        }
    }

    private async Task<bool> HasDependantsAsync(int groupId, CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var rules = await db.Groups.AsNoTracking().Where(g => g.Kind == GroupKind.Automated && g.Id != groupId).Select(g => new { g.RuleJson, g.StayRuleJson }).ToListAsync(ct);
        return rules.Any(r => Dependencies(r.RuleJson, r.StayRuleJson).Contains(groupId));
    }

    /// <summary>The groups a rule mentions ("in group X", "joined X").</summary>
    internal static HashSet<int> Dependencies(string? ruleJson, string? stayRuleJson)
    {
        var ids = new HashSet<int>();
        foreach (var json in new[] { ruleJson, stayRuleJson })
        {
            if (json is null)
            {
                continue;
            }

            FilterDefinition definition;
            try
            {
                definition = FilterDefinition.FromJson(json);
            }
            catch (FilterException)
            {
                continue;
            }

            Collect(definition.Root, ids);
        }

        return ids;
    }

    private static void Collect(FilterNode? node, HashSet<int> ids)
    {
        if (node is null)
        {
            return;
        }

        foreach (var item in node.Items ?? [])
        {
            Collect(item, ids);
        }

        if (node.Field == FilterFields.Groups)
        {
            foreach (var value in node.Values ?? [])
            {
                if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
                {
                    ids.Add(id);
                }
            }
        }
        else if (node.Field is { } field && field.StartsWith("joined.", StringComparison.Ordinal)
            && int.TryParse(field.AsSpan(7), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var joined))
        {
            ids.Add(joined);
        }
    }

    /// <summary>Dependencies first; groups caught in a cycle (refused when saving, so only from old data) go last.</summary>
    internal static List<int> Order(IReadOnlyDictionary<int, HashSet<int>> dependencies)
    {
        var order = new List<int>();
        var state = new Dictionary<int, int>(); // 1 visiting, 2 done
        void Visit(int id)
        {
            if (state.GetValueOrDefault(id) != 0 || !dependencies.ContainsKey(id))
            {
                return;
            }

            state[id] = 1;
            foreach (var dependency in dependencies[id].Order())
            {
                Visit(dependency);
            }

            state[id] = 2;
            order.Add(id);
        }

        foreach (var id in dependencies.Keys.Order())
        {
            Visit(id);
        }

        return order;
    }

    /// <summary>
    /// The chain of groups that leads from <paramref name="groupId"/> back to itself through the rules, when the
    /// proposed dependencies would make a cycle; null when they do not.
    /// </summary>
    internal static List<int>? FindCycle(int groupId, HashSet<int> proposed, IReadOnlyDictionary<int, HashSet<int>> others)
    {
        var path = new List<int> { groupId };
        var seen = new HashSet<int>();
        bool Walk(int id)
        {
            if (id == groupId)
            {
                return true;
            }

            if (!seen.Add(id))
            {
                return false;
            }

            path.Add(id);
            foreach (var next in others.GetValueOrDefault(id) ?? [])
            {
                if (Walk(next))
                {
                    return true;
                }
            }

            path.RemoveAt(path.Count - 1);
            return false;
        }

        foreach (var dependency in proposed)
        {
            if (Walk(dependency))
            {
                path.Add(groupId);
                return path;
            }
        }

        return null;
    }

    internal static string Actor(string actor) => actor.Length > GroupMember.ActorMaxLength ? actor[..GroupMember.ActorMaxLength] : actor;

    public void Dispose()
    {
        _subscription.Dispose();
        _gate.Dispose();
    }

    /// <summary>
    /// Writes ledger rows with prepared statements inside the caller's transaction, and the webhook outbox rows they
    /// cause in the same transaction (nothing when no automation watches the group).
    /// </summary>
    private sealed class LedgerWriter(DirectoryDbContext db, DateTime now, string? actor, Automations.AutomationOutbox outbox)
    {
        private readonly DbConnection _connection = db.Database.GetDbConnection();
        private readonly DbTransaction? _transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        private readonly string? _actor = actor is null ? null : Actor(actor);

        public void Enter(int groupId, int[] ids, MembershipCause cause, int? ruleVersion, Action<double>? progress = null) =>
            Enter(groupId, ids, _ => cause, ruleVersion, progress);

        public void Enter(int groupId, int[] ids, Func<int, MembershipCause> cause, int? ruleVersion, Action<double>? progress = null)
        {
            if (ids.Length == 0)
            {
                return;
            }

            using var command = Prepare(
                "INSERT INTO GroupMembers (GroupId, CustomerId, EnteredAt, EnterCause, EnterRuleVersion, EnteredBy) VALUES (@g, @c, @at, @cause, @v, @by)");
            Run(command, groupId, ids, cause, ruleVersion, progress);
            outbox.Record(_connection, _transaction, groupId, ids, cause, Automations.AutomationTrigger.Entered, now);
        }

        public void Leave(int groupId, int[] ids, Func<int, MembershipCause> cause, int? ruleVersion, Action<double>? progress = null)
        {
            if (ids.Length == 0)
            {
                return;
            }

            using var command = Prepare(
                "UPDATE GroupMembers SET LeftAt = @at, LeaveCause = @cause, LeaveRuleVersion = @v, LeftBy = @by WHERE GroupId = @g AND CustomerId = @c AND LeftAt IS NULL");
            Run(command, groupId, ids, cause, ruleVersion, progress);
            outbox.Record(_connection, _transaction, groupId, ids, cause, Automations.AutomationTrigger.Left, now);
        }

        private DbCommand Prepare(string sql)
        {
            var command = _connection.CreateCommand();
            command.Transaction = _transaction;
            command.CommandText = sql;
            foreach (var name in new[] { "@g", "@c", "@at", "@cause", "@v", "@by" })
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }

            return command;
        }

        private void Run(DbCommand command, int groupId, int[] ids, Func<int, MembershipCause> cause, int? ruleVersion, Action<double>? progress)
        {
            var p = command.Parameters;
            p["@g"].Value = groupId;
            p["@at"].Value = now;
            p["@v"].Value = (object?)ruleVersion ?? DBNull.Value;
            p["@by"].Value = (object?)_actor ?? DBNull.Value;
            command.Prepare();
            for (var i = 0; i < ids.Length; i++)
            {
                p["@c"].Value = ids[i];
                p["@cause"].Value = cause(ids[i]).ToString();
                command.ExecuteNonQuery();
                if (progress is not null && (i & 0xFFFF) == 0)
                {
                    progress((double)i / ids.Length);
                }
            }
        }
    }
}
