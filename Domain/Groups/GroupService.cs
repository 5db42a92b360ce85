using System.Runtime.CompilerServices;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Groups;

/// <summary>Manual and automated groups: defining them, their members, overrides, the ledger, and explanations.</summary>
/// <remarks>Membership itself is written only by <see cref="GroupEngine"/>.</remarks>
public sealed partial class GroupService(
    IDbContextFactory<DirectoryDbContext> dbFactory, GroupEngine engine, CustomerService customers, FilterCatalogService catalogs,
    MerchantOptions merchant, TimeProvider clock, ChangeFeed changes, Filters.Index.ProfileIndex index, StaffAccess access)
{
    /// <summary>An automated group not fully evaluated for this long is late (the nightly backstop missed a night).</summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromHours(25);

    /// <summary>A group whose rule depends on the clock is late after this long: the minute sweep has stopped.</summary>
    public static readonly TimeSpan TimeDependentLateAfter = TimeSpan.FromMinutes(10);

    /// <summary>Most people added or removed in one go (a whole filter result included).</summary>
    public const int MaxBatch = 2_000_000;

    internal static NotFoundException NotFound() => new("This group does not exist (it may have been deleted).");

    public async Task<IReadOnlyList<GroupSummary>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await db.Groups.AsNoTracking().OrderBy(g => g.NameKey).ToListAsync(ct);
        var catalog = await catalogs.GetAsync(ct);
        var result = new List<GroupSummary>(groups.Count);
        foreach (var g in groups)
        {
            var (status, progress) = StatusOf(g);
            result.Add(new GroupSummary(g.Id, g.Name, g.Description, g.Kind, g.Predefined, await engine.CountAsync(g.Id, ct),
                status, progress, g.LastEvaluatedAt, g.LastError, Sentence(g.RuleJson, catalog)));
        }

        return result;
    }

    public async Task<GroupDetails> GetAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var g = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, ct) ?? throw NotFound();
        var catalog = await catalogs.GetAsync(ct);
        var (status, progress) = StatusOf(g);
        return new GroupDetails(g.Id, g.Name, g.Description, g.Kind, g.Predefined, g.RuleJson, g.StayRuleJson, g.RuleVersion, g.Paused, g.Version,
            status, progress, g.LastEvaluatedAt, g.LastEvaluationMs, g.LastError, g.CreatedAt, g.CreatedBy,
            Sentence(g.RuleJson, catalog), Sentence(g.StayRuleJson, catalog));
    }

    private (GroupStatus Status, double? Progress) StatusOf(Group g)
    {
        if (g.Kind == GroupKind.Manual)
        {
            return (GroupStatus.Manual, null);
        }

        if (engine.ProgressOf(g.Id) is { } progress)
        {
            return (GroupStatus.Computing, progress);
        }

        if (g.Paused)
        {
            return (GroupStatus.Paused, null);
        }

        if (g.LastError is not null)
        {
            return (GroupStatus.Failed, null);
        }

        var lateAfter = engine.IsTimeDependent(g.RuleJson, g.StayRuleJson) ? TimeDependentLateAfter : LateAfter;
        return g.LastEvaluatedAt is { } at && clock.GetUtcNow().UtcDateTime - at <= lateAfter ? (GroupStatus.UpToDate, null) : (GroupStatus.Late, null);
    }

    private static string? Sentence(string? json, FilterCatalog catalog)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            var sentence = FilterSentence.Describe(FilterDefinition.FromJson(json), catalog);
            return sentence.Length == 0 ? "Everyone" : sentence;
        }
        catch (FilterException e)
        {
            return e.Message;
        }
    }

    /// <summary>Creates a group; an automated one is evaluated at once. Returns its id.</summary>
    public async Task<int> CreateAsync(GroupInput input, string actor, CancellationToken ct = default)
    {
        await RequireToChangeAsync(input?.Kind ?? GroupKind.Manual, ct);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        var (name, description) = (Group.CleanName(input.Name), Group.CleanDescription(input.Description));
        var (rule, stay) = input.Kind == GroupKind.Automated ? await CheckRulesAsync(null, input.Rule, input.StayRule, ct) : (null, null);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = Group.Create(name, description, input.Kind, rule, stay, null, actor, clock.GetUtcNow().UtcDateTime);
        db.Groups.Add(group);
        await SaveUniqueAsync(db, name, ct);
        changes.Publish(ChangeKind.GroupsChanged, groupId: group.Id);
        if (group.Kind == GroupKind.Automated)
        {
            await engine.EvaluateGroupAsync(group.Id, MembershipCause.Rule, actor, ct: ct);
        }

        return group.Id;
    }

    /// <summary>
    /// Renames, re-describes and (automated groups) changes the rules. A changed rule gets a new version and is
    /// evaluated at once; those who enter or leave because of it are recorded with cause "rule edited".
    /// </summary>
    public async Task UpdateAsync(int id, GroupInput input, int expectedVersion, string actor, CancellationToken ct = default)
    {
        await RequireToChangeAsync(null, ct);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        var (name, description) = (Group.CleanName(input.Name), Group.CleanDescription(input.Description));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await db.Groups.SingleOrDefaultAsync(g => g.Id == id, ct) ?? throw NotFound();
        await RequireToChangeAsync(group.Kind, ct);
        if (group.Version != expectedVersion)
        {
            throw new ConcurrencyConflictException("Someone else changed this group since you opened it. Reload to see their changes.");
        }

        if (input.Kind != group.Kind)
        {
            throw new DomainException("A group's kind cannot change; duplicate it or create a new group.", "Kind");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        group.Describe(name, description, now);
        var ruleChanged = false;
        if (group.Kind == GroupKind.Automated)
        {
            var (rule, stay) = await CheckRulesAsync(id, input.Rule, input.StayRule, ct);
            ruleChanged = group.ChangeRule(rule, stay, now);
        }

        await SaveUniqueAsync(db, name, ct);
        changes.Publish(ChangeKind.GroupsChanged, groupId: id);
        if (ruleChanged)
        {
            await engine.EvaluateGroupAsync(id, MembershipCause.RuleEdit, actor, ct: ct);
        }
    }

    /// <summary>Deletes the group and its ledger and overrides; the profiles stay. Refused while another rule uses it.</summary>
    public async Task DeleteAsync(int id, CancellationToken ct = default)
    {
        await RequireToChangeAsync(null, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await db.Groups.SingleOrDefaultAsync(g => g.Id == id, ct) ?? throw NotFound();
        await RequireToChangeAsync(group.Kind, ct);
        var users = (await db.Groups.AsNoTracking().Where(g => g.Id != id && g.RuleJson != null).Select(g => new { g.Name, g.RuleJson, g.StayRuleJson }).ToListAsync(ct))
            .Where(g => GroupEngine.Dependencies(g.RuleJson, g.StayRuleJson).Contains(id))
            .Select(g => g.Name)
            .ToList();
        if (users.Count > 0)
        {
            throw new DomainException($"“{group.Name}” is used by the rule of {string.Join(", ", users.Select(n => $"“{n}”"))}. Change that rule first.");
        }

        // Deleting the group would take the automations watching it, and their delivery logs, without a word.
        var watchers = await db.Automations.AsNoTracking().Where(a => a.GroupId == id).OrderBy(a => a.Name).Select(a => a.Name).ToListAsync(ct);
        if (watchers.Count > 0)
        {
            throw new DomainException(
                $"“{group.Name}” is watched by the automation{(watchers.Count > 1 ? "s" : "")} {string.Join(", ", watchers.Select(n => $"“{n}”"))}. Delete {(watchers.Count > 1 ? "them" : "it")} first (Marketing → Automations).");
        }

        db.Groups.Remove(group);
        await db.SaveChangesAsync(ct);
        engine.Forget(id);
        changes.Publish(ChangeKind.GroupsChanged, groupId: id);
    }

    /// <summary>A copy with the same rules (automated) or the same members (manual), named "… (copy)". Returns its id.</summary>
    public async Task<int> DuplicateAsync(int id, string actor, CancellationToken ct = default)
    {
        await RequireToChangeAsync(null, ct);
        var source = await GetAsync(id, ct);
        await RequireToChangeAsync(source.Kind, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var names = await db.Groups.AsNoTracking().Select(g => g.NameKey).ToListAsync(ct);
        // "VIPs (copy)", "VIPs (copy 2)"…; a long name is shortened so the suffix always fits.
        var stem = source.Name.Length <= Group.NameMaxLength - 16 ? source.Name : string.Concat(source.Name.AsSpan(0, Group.NameMaxLength - 17), "…");
        var name = $"{stem} (copy)";
        for (var n = 2; names.Contains(Group.Key(name)); n++)
        {
            name = $"{stem} (copy {n})";
        }

        var copy = await CreateAsync(new GroupInput(name, source.Description, source.Kind, source.Rule, source.StayRule), actor, ct);
        if (source.Kind == GroupKind.Manual)
        {
            await engine.ApplyManualAsync(copy, (await engine.MembersOfAsync(id, ct)).ToArray(), add: true, MembershipCause.ManualAdd, actor, ct);
        }

        return copy;
    }

    /// <summary>Stops (or resumes) automatic updating; resuming evaluates the group at once.</summary>
    public async Task SetPausedAsync(int id, bool paused, string actor, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomatedGroups, ct);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var group = await db.Groups.SingleOrDefaultAsync(g => g.Id == id, ct) ?? throw NotFound();
            if (group.Kind != GroupKind.Automated)
            {
                throw new DomainException("Only automated groups update themselves; a manual group has nothing to pause.");
            }

            group.Pause(paused, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
        }

        changes.Publish(ChangeKind.GroupStatusChanged, groupId: id);
        if (!paused)
        {
            await engine.EvaluateGroupAsync(id, MembershipCause.Rule, actor, ct: ct);
        }
    }

    /// <summary>"Update now": evaluates the group for everyone, even when paused. Returns (entered, left).</summary>
    public async Task<(int Entered, int Left)> UpdateNowAsync(int id, string actor, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomatedGroups, ct);
        var group = await GetAsync(id, ct);
        if (group.Kind != GroupKind.Automated)
        {
            throw new DomainException("Only automated groups have a rule to evaluate.");
        }

        return await engine.EvaluateGroupAsync(id, MembershipCause.Rule, actor, evenIfPaused: true, ct);
    }

    /// <summary>What saving these rules would do to the group (or to a new group when <paramref name="groupId"/> is null).</summary>
    public async Task<GroupPreview> PreviewAsync(int? groupId, FilterDefinition? rule, FilterDefinition? stayRule, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        var (ruleJson, stayJson) = await CheckRulesAsync(groupId, rule, stayRule, ct);
        var (boundRule, boundStay) = await engine.BindAsync(ruleJson, stayJson, ct);
        var desired = await engine.ComputeAsync(groupId, boundRule, boundStay, null, ct);
        var entering = desired.Entering;
        var leaving = desired.Leaving;
        return new GroupPreview(desired.Members ?? 0, entering.Length, leaving.Length, await PeopleAsync(entering.Take(50), ct), await PeopleAsync(leaving.Take(50), ct));
    }

    private async Task<IReadOnlyList<PersonRef>> PeopleAsync(IEnumerable<int> ids, CancellationToken ct)
    {
        var list = ids.ToArray();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Customers.AsNoTracking().Where(c => list.Contains(c.Id))
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email })
            .ToDictionaryAsync(c => c.Id, ct);
        return [.. list.Where(rows.ContainsKey).Select(id => new PersonRef(id, $"{rows[id].FirstName} {rows[id].LastName}".Trim(), rows[id].Email))];
    }

    /// <summary>
    /// Checks automated rules: well formed, valid against the current fields, and no group depending on itself.
    /// Returns them as stored JSON.
    /// </summary>
    private async Task<(string Rule, string? Stay)> CheckRulesAsync(int? groupId, FilterDefinition? rule, FilterDefinition? stay, CancellationToken ct)
    {
        var fields = await access.FieldsAsync(ct);
        fields.Check(rule);
        fields.Check(stay);
        rule ??= FilterDefinition.Empty;
        var (ruleJson, stayJson) = (rule.ToJson(), stay is null || stay.IsEmpty ? null : stay.ToJson());
        try
        {
            await engine.BindAsync(ruleJson, stayJson, ct);
        }
        catch (FilterException e)
        {
            throw new DomainException(e.Message, "Rule");
        }

        var proposed = GroupEngine.Dependencies(ruleJson, stayJson);
        if (proposed.Count > 0)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var others = await db.Groups.AsNoTracking().Where(g => g.RuleJson != null).Select(g => new { g.Id, g.Name, g.RuleJson, g.StayRuleJson }).ToListAsync(ct);
            var names = await db.Groups.AsNoTracking().ToDictionaryAsync(g => g.Id, g => g.Name, ct);
            var self = groupId ?? 0;
            if (proposed.Contains(self))
            {
                throw new DomainException("A group's rule cannot use the group itself.", "Rule");
            }

            var graph = others.Where(g => g.Id != self).ToDictionary(g => g.Id, g => GroupEngine.Dependencies(g.RuleJson, g.StayRuleJson));
            if (groupId is not null && GroupEngine.FindCycle(self, proposed, graph) is { } cycle)
            {
                var chain = string.Join(" → ", cycle.Select(id => id == self ? "this group" : $"“{names.GetValueOrDefault(id, "?")}”"));
                throw new DomainException($"These rules would make groups depend on each other in a circle ({chain}). Remove one of the “in group” conditions.", "Rule");
            }
        }

        return (ruleJson, stayJson);
    }

    private static async Task SaveUniqueAsync(DirectoryDbContext db, string name, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException("Someone else changed this group since you opened it. Reload to see their changes.");
        }
        catch (DbUpdateException e) when (e.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 })
        {
            throw new DomainException($"A group called “{name}” already exists.", "Name");
        }
    }

    /// <summary>Adds people to a manual group by hand; returns how many were not members yet.</summary>
    public async Task<int> AddMembersAsync(int groupId, IReadOnlyCollection<int> customerIds, string actor, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageManualGroups, ct);
        ArgumentNullException.ThrowIfNull(customerIds);
        await RequireManualAsync(groupId, ct);
        CheckBatch(customerIds.Count);
        return await engine.ApplyManualAsync(groupId, customerIds, add: true, MembershipCause.ManualAdd, actor, ct);
    }

    /// <summary>
    /// Adds everyone a directory filter (and search text) finds to a manual group ("add all 1,284 to…"). Returns how
    /// many were added and how many the filter matched at that moment (the others were members already).
    /// </summary>
    public async Task<(int Added, int Matched)> AddFilterResultAsync(int groupId, FilterDefinition? filter, string? text, string actor, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageManualGroups, ct);
        await RequireManualAsync(groupId, ct);
        (filter, text) = CustomerService.ForCaller(await access.FieldsAsync(ct), filter, text);
        var ids = await customers.MatchingIdsAsync(filter, text, ct);
        CheckBatch(ids.Length);
        return (await engine.ApplyManualAsync(groupId, ids, add: true, MembershipCause.ManualAdd, actor, ct), ids.Length);
    }

    /// <summary>Removes people from a manual group; returns how many were members.</summary>
    public async Task<int> RemoveMembersAsync(int groupId, IReadOnlyCollection<int> customerIds, string actor, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageManualGroups, ct);
        ArgumentNullException.ThrowIfNull(customerIds);
        await RequireManualAsync(groupId, ct);
        CheckBatch(customerIds.Count);
        return await engine.ApplyManualAsync(groupId, customerIds, add: false, MembershipCause.ManualRemove, actor, ct);
    }

    private static void CheckBatch(int count)
    {
        if (count > MaxBatch)
        {
            throw new DomainException($"At most {MaxBatch:N0} people can be added or removed at once.");
        }
    }

    private async Task RequireManualAsync(int groupId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var kind = await db.Groups.Where(g => g.Id == groupId).Select(g => (GroupKind?)g.Kind).SingleOrDefaultAsync(ct) ?? throw NotFound();
        if (kind != GroupKind.Manual)
        {
            throw new DomainException("An automated group follows its rule: use “always include” or “always exclude” to make exceptions.");
        }
    }

    /// <summary>Always include (true), always exclude (false) or follow the rule again (null) for one person.</summary>
    public async Task SetOverrideAsync(int groupId, int customerId, bool? include, string actor, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageAutomatedGroups, ct);
        await engine.SetOverrideAsync(groupId, customerId, include, actor, ct);
    }

    /// <summary>
    /// Changing a manual group needs ManageManualGroups, an automated one ManageAutomatedGroups; before the kind is
    /// known (null), either will do for now, and the call checks again once it knows.
    /// </summary>
    private async ValueTask RequireToChangeAsync(GroupKind? kind, CancellationToken ct, [CallerMemberName] string operation = "")
    {
        var needed = kind switch
        {
            GroupKind.Manual => Permission.ManageManualGroups,
            GroupKind.Automated => Permission.ManageAutomatedGroups,
            _ => await access.HasAsync(Permission.ManageManualGroups, ct) ? Permission.ManageManualGroups : Permission.ManageAutomatedGroups,
        };
        await access.RequireAsync(needed, ct, operation);
    }

    public async Task<IReadOnlyList<GroupOverrideRow>> OverridesAsync(int groupId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from o in db.GroupOverrides.AsNoTracking()
                      join c in db.Customers on o.CustomerId equals c.Id
                      where o.GroupId == groupId
                      orderby c.SortName
                      select new GroupOverrideRow(o.CustomerId, c.FirstName + " " + c.LastName, o.Include, o.At, o.By)).ToListAsync(ct);
    }

    /// <summary>The group's current members: sortable, searchable, paged.</summary>
    public async Task<GroupMemberPage> MembersAsync(int groupId, GroupMemberQuery query, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        ArgumentNullException.ThrowIfNull(query);
        if (query.Text is { Length: > CustomerSearch.MaxTextLength })
        {
            throw new DomainException($"Search text can be at most {CustomerSearch.MaxTextLength} characters.", nameof(query.Text));
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Groups.AnyAsync(g => g.Id == groupId, ct))
        {
            throw NotFound();
        }

        var (skip, take) = (Math.Max(0, query.Skip), Math.Clamp(query.Take, 1, CustomerSearch.MaxPageSize));
        var overrides = db.GroupOverrides.Where(o => o.GroupId == groupId);
        var fields = await access.FieldsAsync(ct);
        if (!fields.Contact && query.Sort == GroupMemberSort.Email)
        {
            throw new ForbiddenException("You may not sort by a field you cannot see.");
        }

        // Without contact details, the search matches names only (SortName is the folded "last first"), by SQL.
        var namesOnly = !fields.Contact && ContactRules.Clean(query.Text) is not null;
        if (query.Sort != GroupMemberSort.EnteredAt && index.IsReady && !namesOnly)
        {
            // By name or email, with or without search: the profile index pages the members in the directory's order.
            var members = await engine.MembersOfAsync(groupId, ct);
            var sort = query.Sort == GroupMemberSort.Email ? CustomerSort.Email : CustomerSort.Name;
            var found = await Task.Run(() => index.Query(new BoundIds(members), query.Text, sort, query.Descending, skip, take, ct), ct);
            var ids = found.Ids;
            var byId = await (from m in db.GroupMembers.AsNoTracking()
                              join c in db.Customers on m.CustomerId equals c.Id
                              where m.GroupId == groupId && m.LeftAt == null && ids.Contains(c.Id)
                              select new GroupMemberRow(c.Id, c.FirstName, c.LastName, c.Email, m.EnteredAt, c.EmailConsent.Status, c.SmsConsent.Status,
                                  overrides.Where(o => o.CustomerId == c.Id).Select(o => (bool?)o.Include).FirstOrDefault()))
                .ToDictionaryAsync(r => r.CustomerId, ct);
            return new GroupMemberPage([.. ids.Where(byId.ContainsKey).Select(id => Masked(byId[id]))], found.Total);
        }

        var people = namesOnly ? db.Customers.AsNoTracking() : CustomerService.Filter(db.Customers.AsNoTracking(), query.Text);
        foreach (var word in namesOnly ? ContactRules.Fold(ContactRules.Clean(query.Text)!).Split(' ', StringSplitOptions.RemoveEmptyEntries) : [])
        {
            people = people.Where(c => c.SortName.Contains(word));
        }

        var rows = from m in db.GroupMembers.AsNoTracking()
                   join c in people on m.CustomerId equals c.Id
                   where m.GroupId == groupId && m.LeftAt == null
                   select new { m, c };
        var total = ContactRules.Clean(query.Text) is null ? await engine.CountAsync(groupId, ct) : await rows.CountAsync(ct);
        var sorted = (query.Sort, query.Descending) switch
        {
            (GroupMemberSort.Email, false) => rows.OrderBy(r => r.c.EmailKey == null).ThenBy(r => r.c.EmailKey).ThenBy(r => r.c.Id),
            (GroupMemberSort.Email, true) => rows.OrderBy(r => r.c.EmailKey == null).ThenByDescending(r => r.c.EmailKey).ThenBy(r => r.c.Id),
            (GroupMemberSort.EnteredAt, false) => rows.OrderBy(r => r.m.EnteredAt).ThenBy(r => r.m.Id),
            (GroupMemberSort.EnteredAt, true) => rows.OrderByDescending(r => r.m.EnteredAt).ThenByDescending(r => r.m.Id),
            (_, false) => rows.OrderBy(r => r.c.SortName).ThenBy(r => r.c.Id),
            (_, true) => rows.OrderByDescending(r => r.c.SortName).ThenBy(r => r.c.Id),
        };
        var page = await sorted
            .Skip(skip)
            .Take(take)
            .Select(r => new GroupMemberRow(r.c.Id, r.c.FirstName, r.c.LastName, r.c.Email, r.m.EnteredAt, r.c.EmailConsent.Status, r.c.SmsConsent.Status,
                overrides.Where(o => o.CustomerId == r.c.Id).Select(o => (bool?)o.Include).FirstOrDefault()))
            .ToListAsync(ct);
        return new GroupMemberPage([.. page.Select(Masked)], total);

        GroupMemberRow Masked(GroupMemberRow row) => fields.Contact ? row : row with { Email = null };
    }

    /// <summary>Members, how many can be reached by email and SMS (subscribed, with an address), and movement.</summary>
    public async Task<GroupStats> StatsAsync(int groupId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Groups.AnyAsync(g => g.Id == groupId, ct))
        {
            throw NotFound();
        }

        var members = await engine.MembersOfAsync(groupId, ct);
        var inGroup = new BoundIds(members);
        Bound Reachable(Column consent, Column address) => new BoundGroup(false, [
            inGroup,
            new BoundEnumIn(consent, [(int)ConsentStatus.Subscribed]),
            new BoundNot(new BoundIsNull(address)),
        ]);
        var email = (await engine.MatchAsync(Reachable(Column.EmailConsent, Column.Email), null, ct)).Length;
        var sms = (await engine.MatchAsync(Reachable(Column.SmsConsent, Column.Phone), null, ct)).Length;
        var now = clock.GetUtcNow().UtcDateTime;
        var (d7, d30) = (now.AddDays(-7), now.AddDays(-30));
        var ledger = db.GroupMembers.AsNoTracking().Where(m => m.GroupId == groupId);
        return new GroupStats(
            members.Count(), email, sms,
            await ledger.CountAsync(m => m.EnteredAt >= d7, ct),
            await ledger.CountAsync(m => m.LeftAt >= d7, ct),
            await ledger.CountAsync(m => m.EnteredAt >= d30, ct),
            await ledger.CountAsync(m => m.LeftAt >= d30, ct));
    }

    /// <summary>The ledger, newest first: of a group, of a person, or of a person in a group.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> HistoryAsync(int? groupId, int? customerId, int skip = 0, int take = 50, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ledger = db.GroupMembers.AsNoTracking();
        if (groupId is { } g)
        {
            ledger = ledger.Where(m => m.GroupId == g);
        }

        if (customerId is { } c)
        {
            ledger = ledger.Where(m => m.CustomerId == c);
        }

        return await (from m in ledger
                      join grp in db.Groups on m.GroupId equals grp.Id
                      orderby (m.LeftAt ?? m.EnteredAt) descending, m.Id descending
                      select new LedgerEntry(m.Id, m.GroupId, grp.Name, m.CustomerId,
                          db.Customers.Where(p => p.Id == m.CustomerId).Select(p => p.FirstName + " " + p.LastName).FirstOrDefault(),
                          m.EnteredAt, m.EnterCause, m.EnterRuleVersion, m.EnteredBy, m.LeftAt, m.LeaveCause, m.LeaveRuleVersion, m.LeftBy))
            .Skip(Math.Max(0, skip))
            .Take(Math.Clamp(take, 1, 500))
            .ToListAsync(ct);
    }

    /// <summary>The groups a person is in now, and since when.</summary>
    public async Task<IReadOnlyList<ProfileGroup>> GroupsOfAsync(int customerId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from m in db.GroupMembers.AsNoTracking()
                      join g in db.Groups on m.GroupId equals g.Id
                      where m.CustomerId == customerId && m.LeftAt == null
                      orderby g.NameKey
                      select new ProfileGroup(g.Id, g.Name, g.Kind, m.EnteredAt, m.EnterCause,
                          db.GroupOverrides.Where(o => o.GroupId == g.Id && o.CustomerId == customerId).Select(o => (bool?)o.Include).FirstOrDefault()))
            .ToListAsync(ct);
    }

    /// <summary>Manual groups, for "add to group…" pickers.</summary>
    public async Task<IReadOnlyList<GroupSummary>> ManualGroupsAsync(CancellationToken ct = default) =>
        [.. (await ListAsync(ct)).Where(g => g.Kind == GroupKind.Manual)];
}
