using System.Data.Common;
using System.Globalization;
using CsvHelper;
using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Transfer;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerDirectory.Domain.Audiences;

/// <summary>
/// Audiences for campaigns: saved (named, editable, deletable), counted live per channel with the reason each person
/// is out, frozen into snapshots that never change, and exported from a snapshot as CSV. Sending is not our job: the
/// export is the hand-over.
/// </summary>
/// <remarks>
/// Counting reads memory only: the groups' members are bit sets in <see cref="GroupEngine"/>, the extra filter runs on
/// <see cref="ProfileIndex"/>, and the index classifies each person from its columns (<see cref="ProfileIndex.TallyAudience"/>).
/// A snapshot is computed again from the database (the addresses it keeps must be the stored ones), with the same rules
/// (<see cref="AudienceRules"/>); so is a count while the index is not ready.
/// </remarks>
public sealed class AudienceService(
    IDbContextFactory<DirectoryDbContext> dbFactory, CustomerService customers, GroupEngine groups, ProfileIndex index,
    FilterCatalogService catalogs, MerchantOptions merchant, TimeProvider clock, ChangeFeed changes, StaffAccess access, AuditLog audit)
{
    /// <summary>Snapshot rows read or written per batch.</summary>
    public const int ChunkSize = 5_000;

    public async Task<IReadOnlyList<AudienceSummary>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.BuildAudiences, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Audiences.AsNoTracking().OrderBy(a => a.NameKey).ToListAsync(ct);
        return [.. rows.Select(Summary)];
    }

    public async Task<AudienceSummary> GetAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.BuildAudiences, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return Summary(await db.Audiences.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw NotFound());
    }

    /// <summary>The groups an audience can include or exclude, by name, with their current size.</summary>
    public async Task<IReadOnlyList<AudienceGroup>> GroupsAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.BuildAudiences, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var list = await db.Groups.AsNoTracking().OrderBy(g => g.NameKey).Select(g => new { g.Id, g.Name }).ToListAsync(ct);
        var result = new List<AudienceGroup>(list.Count);
        foreach (var g in list)
        {
            result.Add(new AudienceGroup(g.Id, g.Name, await groups.CountAsync(g.Id, ct)));
        }

        return result;
    }

    /// <summary>Creates an audience (<paramref name="id"/> null) or replaces one; returns its id. Names are unique (case and accents ignored).</summary>
    public async Task<int> SaveAsync(int? id, AudienceInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.BuildAudiences, ct);
        ArgumentNullException.ThrowIfNull(input);
        var actor = access.RequireActor();
        var name = Audience.CleanName(input.Name);
        var key = Audience.Key(name);
        var rule = await CheckAsync(input.Rule, ct);
        var now = clock.GetUtcNow().UtcDateTime;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Audiences.AnyAsync(a => a.NameKey == key && a.Id != id, ct))
        {
            throw new DomainException($"Another audience is already called “{name}”.", "Name");
        }

        Audience audience;
        if (id is { } existing)
        {
            audience = await db.Audiences.SingleOrDefaultAsync(a => a.Id == existing, ct) ?? throw NotFound();
            audience.Replace(name, rule, now);
        }
        else
        {
            audience = Audience.Create(name, rule, actor.Name, now);
            db.Audiences.Add(audience);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new DomainException($"Another audience is already called “{name}”.", "Name"); // saved by someone else meanwhile
        }

        changes.Publish(ChangeKind.AudiencesChanged);
        return audience.Id;
    }

    /// <summary>Deletes an audience. Its snapshots stay: they are the record of what was handed over.</summary>
    public async Task DeleteAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.BuildAudiences, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var audience = await db.Audiences.SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw NotFound();
        db.Audiences.Remove(audience);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.AudiencesChanged);
    }

    /// <summary>
    /// Who the rule takes now, and per channel how many can be sent to and why the others cannot (each person counted
    /// once, under the first reason in <see cref="AudienceReason"/> order). Milliseconds at a million profiles.
    /// </summary>
    public async Task<AudienceCounts> CountAsync(AudienceRule rule, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.BuildAudiences, ct);
        ArgumentNullException.ThrowIfNull(rule);
        var (taken, excluded, inGroups) = await ResolveAsync(Check(rule), ct);
        if (index.IsReady || await index.WhenReadyAsync(ct))
        {
            var tally = await Task.Run(() => index.TallyAudience(taken, excluded, null, ct), ct);
            return new AudienceCounts(inGroups ?? tally.Taken, tally.Taken, tally.Email, tally.Sms);
        }

        var (counts, _) = await ClassifyFromDatabaseAsync(taken, excluded, null, inGroups, ct);
        return counts;
    }

    /// <summary>
    /// Freezes who the audience can be sent to now: ids and the address used, with the time, the person and the rule
    /// as it was. The snapshot never changes afterwards.
    /// </summary>
    public async Task<SnapshotSummary> FreezeAsync(int audienceId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.BuildAudiences, ct);
        var actor = access.RequireActor();
        Audience audience;
        Dictionary<int, string> groupNames;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            audience = await db.Audiences.AsNoTracking().SingleOrDefaultAsync(a => a.Id == audienceId, ct) ?? throw NotFound();
            groupNames = await db.Groups.AsNoTracking().ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        }

        var rule = Check(AudienceRule.FromJson(audience.RuleJson, audience.Channel));
        var (taken, excluded, inGroups) = await ResolveAsync(rule, ct);
        var (_, sendable) = await ClassifyFromDatabaseAsync(taken, excluded, rule.Channel, inGroups, ct);
        var sentence = rule.HasFilter ? FilterSentence.Describe(rule.Filter!, await catalogs.GetAsync(ct)) : null;
        var frozen = rule.FrozenJson(groupNames, sentence);
        var now = clock.GetUtcNow().UtcDateTime;

        await using var write = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await write.Database.BeginTransactionAsync(ct);
        var snapshot = AudienceSnapshot.Create(audience, frozen, now, actor, sendable!.Count);
        write.AudienceSnapshots.Add(snapshot);
        await write.SaveChangesAsync(ct);

        var connection = write.Database.GetDbConnection();
        await using (var insert = PreparedInsert.Create(connection, transaction.GetDbTransaction(), "AudienceSnapshotMembers", "SnapshotId", "CustomerId", "Address"))
        {
            foreach (var (customerId, address) in sendable)
            {
                PreparedInsert.Execute(insert, snapshot.Id, customerId, address);
            }
        }

        var channel = rule.Channel == ConsentChannel.Email ? "email" : "SMS";
        await audit.WriteAsync(write, new AuditEvent("audience.snapshot", $"Froze the audience “{audience.Name}”: {People(sendable.Count)} by {channel}",
            "audience-snapshot", snapshot.Id.ToString(CultureInfo.InvariantCulture),
            Changes: [new("Audience", null, audience.Name), new("Rule", null, frozen), new("Size", null, sendable.Count.ToString(CultureInfo.InvariantCulture))]), ct);
        await transaction.CommitAsync(ct);
        changes.Publish(ChangeKind.AudiencesChanged);
        return SnapshotSummaryOf(snapshot);
    }

    /// <summary>Snapshots, newest first; of one audience, or of every audience (deleted ones included) when <paramref name="audienceId"/> is null.</summary>
    public async Task<IReadOnlyList<SnapshotSummary>> SnapshotsAsync(int? audienceId = null, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.BuildAudiences, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AudienceSnapshots.AsNoTracking();
        query = audienceId is { } id ? query.Where(s => s.AudienceId == id) : query;
        var rows = await query.OrderByDescending(s => s.Id).ToListAsync(ct);
        return [.. rows.Select(SnapshotSummaryOf)];
    }

    /// <summary>The people of a snapshot and the address frozen for each, by id.</summary>
    public async Task<IReadOnlyList<SnapshotMember>> SnapshotMembersAsync(int snapshotId, int skip = 0, int take = 100, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.BuildAudiences, ct);
        if (!(await access.FieldsAsync(ct)).Contact)
        {
            throw new ForbiddenException("Seeing the addresses of a snapshot needs the “View contact details” permission.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.AudienceSnapshotMembers.AsNoTracking().Where(m => m.SnapshotId == snapshotId)
            .OrderBy(m => m.CustomerId).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 1000))
            .Select(m => new SnapshotMember(m.CustomerId, m.Address)).ToListAsync(ct);
        return rows;
    }

    /// <summary>
    /// Writes a snapshot as CSV (customer_id, first_name, last_name, email or phone, may_contact, reason). Someone who
    /// since unsubscribed, bounced, lost their consent or was deleted is flagged (may_contact = no, with the reason), or
    /// left out with <paramref name="leaveOutNoLongerContactable"/>. Needs Export and View contact details too; audited.
    /// </summary>
    public async Task<SnapshotExportResult> WriteSnapshotCsvAsync(int snapshotId, bool leaveOutNoLongerContactable, Stream output, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.BuildAudiences, ct);
        await access.RequireAsync(Permission.Export, ct);
        if (!(await access.FieldsAsync(ct)).Contact)
        {
            throw new ForbiddenException("Exporting an audience's addresses needs the “View contact details” permission; ask an owner to grant it.");
        }

        ArgumentNullException.ThrowIfNull(output);
        AudienceSnapshot snapshot;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            snapshot = await db.AudienceSnapshots.AsNoTracking().SingleOrDefaultAsync(s => s.Id == snapshotId, ct)
                ?? throw new NotFoundException("This snapshot does not exist.");
        }

        var (rows, flagged, leftOut) = (0, 0, 0);
        string? stopped = null;
        try
        {
            var csv = CsvWriter.Create(output, ExportService.Csv, leaveOpen: true);
            await using (csv)
            {
                foreach (var header in new[] { "customer_id", "first_name", "last_name", snapshot.Channel == ConsentChannel.Email ? "email" : "phone", "may_contact", "reason" })
                {
                    csv.WriteField(header);
                }

                await csv.EndRecordAsync(ct);
                var after = -1;
                while (true)
                {
                    var chunk = await ReadExportChunkAsync(snapshot, after, ct);
                    if (chunk.Count == 0)
                    {
                        break;
                    }

                    after = chunk[^1].CustomerId;
                    foreach (var row in chunk)
                    {
                        if (row.Reason is not null)
                        {
                            flagged++;
                            if (leaveOutNoLongerContactable)
                            {
                                leftOut++;
                                continue;
                            }
                        }

                        csv.WriteField(row.CustomerId.ToString(CultureInfo.InvariantCulture));
                        csv.WriteField(CsvFormula.Neutralise(row.FirstName));
                        csv.WriteField(CsvFormula.Neutralise(row.LastName));
                        csv.WriteField(CsvFormula.Neutralise(row.Address));
                        csv.WriteField(row.Reason is null ? "yes" : "no");
                        csv.WriteField(CsvFormula.Neutralise(row.Reason));
                        await csv.EndRecordAsync(ct);
                        rows++;
                    }
                }

                await csv.FlushAsync(ct);
            }
        }
        catch (Exception e)
        {
            stopped = e is OperationCanceledException ? "cancelled" : e.GetType().Name;
            throw;
        }
        finally
        {
            var summary = stopped is null
                ? $"Exported the snapshot of “{snapshot.AudienceName}” taken {merchant.ToLocal(snapshot.TakenAt):yyyy-MM-dd HH:mm}: {People(rows)} as CSV"
                : $"CSV export of the snapshot of “{snapshot.AudienceName}” stopped after {People(rows)} ({stopped})";
            // Written even if the request was cancelled: the rows before it may have reached the person.
            await audit.WriteAsync(new AuditEvent("export.audience-snapshot", summary, "audience-snapshot", snapshot.Id.ToString(CultureInfo.InvariantCulture),
                Changes:
                [
                    new("Rows", null, rows.ToString(CultureInfo.InvariantCulture)),
                    new("No longer contactable", null, flagged.ToString(CultureInfo.InvariantCulture)),
                    new("Left out", null, leftOut.ToString(CultureInfo.InvariantCulture)),
                ]), CancellationToken.None);
        }

        return new SnapshotExportResult(rows, flagged, leftOut);
    }

    private sealed record ExportLine(int CustomerId, string? FirstName, string? LastName, string Address, string? Reason);

    /// <summary>The next members after <paramref name="after"/> with who they are now and whether they may still be contacted.</summary>
    private async Task<List<ExportLine>> ReadExportChunkAsync(AudienceSnapshot snapshot, int after, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var members = await db.AudienceSnapshotMembers.AsNoTracking()
            .Where(m => m.SnapshotId == snapshot.Id && m.CustomerId > after)
            .OrderBy(m => m.CustomerId).Take(ChunkSize)
            .Select(m => new { m.CustomerId, m.Address })
            .ToListAsync(ct);
        if (members.Count == 0)
        {
            return [];
        }

        var (lo, hi) = (members[0].CustomerId, members[^1].CustomerId);
        var email = snapshot.Channel == ConsentChannel.Email;
        var people = await db.Customers.AsNoTracking().Where(c => c.Id >= lo && c.Id <= hi)
            .Select(c => new
            {
                c.Id, c.FirstName, c.LastName,
                Status = email ? c.EmailConsent.Status : c.SmsConsent.Status,
                ChangedAt = email ? c.EmailConsent.ChangedAt : c.SmsConsent.ChangedAt,
            })
            .ToDictionaryAsync(c => c.Id, ct);
        return [.. members.Select(m =>
        {
            if (!people.TryGetValue(m.CustomerId, out var p))
            {
                return new ExportLine(m.CustomerId, null, null, m.Address, "profile deleted since the snapshot");
            }

            // The day as the merchant's calendar has it: an unsubscribe at 23:30 in Paris is that day, not the next.
            var when = p.ChangedAt is { } at ? merchant.ToLocal(at).ToString(" yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
            var reason = p.Status switch
            {
                ConsentStatus.Subscribed => null,
                ConsentStatus.Unsubscribed => $"unsubscribed{when}",
                ConsentStatus.Bounced => $"bounced{when}",
                _ => $"consent withdrawn{when}",
            };
            return new ExportLine(m.CustomerId, p.FirstName, p.LastName, m.Address, reason);
        })];
    }

    /// <summary>
    /// The sets a rule stands for: whom it takes (null: everyone), whom it excludes (null: nobody), and how many the
    /// included groups hold before the filter (null when no group is chosen).
    /// </summary>
    private async Task<(IdSet? Taken, IdSet? Excluded, int? InGroups)> ResolveAsync(AudienceRule rule, CancellationToken ct)
    {
        IdSet? taken = null;
        foreach (var groupId in rule.Include)
        {
            var members = await groups.MembersOfAsync(groupId, ct);
            taken = taken is null ? members : taken.UnionWith(members);
        }

        var inGroups = taken?.Count();
        if (rule.HasFilter)
        {
            var (filter, _) = CustomerService.ForCaller(await access.FieldsAsync(ct), rule.Filter, null);
            var matching = new IdSet(await customers.MatchingIdsAsync(filter, null, ct));
            taken = taken is null ? matching : taken.IntersectWith(matching);
        }

        IdSet? excluded = null;
        foreach (var groupId in rule.Exclude)
        {
            var members = await groups.MembersOfAsync(groupId, ct);
            excluded = excluded is null ? members : excluded.UnionWith(members);
        }

        return (taken, excluded, inGroups);
    }

    /// <summary>
    /// The database path: reads every profile's addresses and consent (one scan), keeps those <paramref name="taken"/>
    /// holds, and classifies them with <see cref="AudienceRules"/>; with <paramref name="collect"/>, also returns who
    /// can be sent to on that channel with the stored address.
    /// </summary>
    private async Task<(AudienceCounts Counts, List<(int Id, string Address)>? Sendable)> ClassifyFromDatabaseAsync(
        IdSet? taken, IdSet? excluded, ConsentChannel? collect, int? inGroups, CancellationToken ct)
    {
        var reasons = Enum.GetValues<AudienceReason>().Length;
        var (emailOut, smsOut) = (new int[reasons], new int[reasons]);
        var (emailSendable, smsSendable, count) = (0, 0, 0);
        var (emailSeen, smsSeen) = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        var sendable = collect is null ? null : new List<(int, string)>();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, Email, Phone, EmailConsent_Status, SmsConsent_Status FROM Customers ORDER BY Id";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt32(0);
            if (taken is not null && !taken.Contains(id))
            {
                continue;
            }

            count++;
            if (excluded is not null && excluded.Contains(id))
            {
                emailOut[(int)AudienceReason.ExcludedGroup]++;
                smsOut[(int)AudienceReason.ExcludedGroup]++;
                continue;
            }

            var email = reader.IsDBNull(1) ? null : reader.GetString(1);
            var phone = reader.IsDBNull(2) ? null : reader.GetString(2);
            if (Classify(AudienceRules.EmailState(email), Status(reader, 3), () => ContactRules.NormalizeEmail(email)!, emailSeen, emailOut))
            {
                emailSendable++;
                if (collect == ConsentChannel.Email)
                {
                    sendable!.Add((id, email!));
                }
            }

            if (Classify(AudienceRules.PhoneState(phone), Status(reader, 4), () => ContactRules.PhoneKey(phone)!, smsSeen, smsOut))
            {
                smsSendable++;
                if (collect == ConsentChannel.Sms)
                {
                    sendable!.Add((id, phone!));
                }
            }
        }

        var counts = new AudienceCounts(inGroups ?? count, count, new ChannelReach(ConsentChannel.Email, emailSendable, emailOut), new ChannelReach(ConsentChannel.Sms, smsSendable, smsOut));
        return (counts, sendable);

        static ConsentStatus Status(DbDataReader reader, int i) => Enum.Parse<ConsentStatus>(reader.GetString(i));

        static bool Classify(byte state, ConsentStatus status, Func<string> key, HashSet<string> seen, int[] outs)
        {
            if (AudienceRules.Check(state, status) is { } reason)
            {
                outs[(int)reason]++;
                return false;
            }

            if (!seen.Add(key()))
            {
                outs[(int)AudienceReason.Duplicate]++;
                return false;
            }

            return true;
        }
    }

    /// <summary>Checks a rule's shape and that its groups exist; the filter against the fields this person may see.</summary>
    private async Task<AudienceRule> CheckAsync(AudienceRule? rule, CancellationToken ct)
    {
        rule = Check(rule ?? throw new DomainException("Choose whom the audience takes."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var wanted = rule.Include.Concat(rule.Exclude).ToHashSet();
        var known = await db.Groups.AsNoTracking().Where(g => wanted.Contains(g.Id)).Select(g => g.Id).ToListAsync(ct);
        if (wanted.Except(known).Any())
        {
            throw new DomainException("A group chosen for this audience no longer exists; choose the groups again.", "Groups");
        }

        if (rule.HasFilter)
        {
            var (filter, _) = CustomerService.ForCaller(await access.FieldsAsync(ct), rule.Filter, null);
            await customers.BindAsync(filter, ct); // a filter on a field that no longer exists says so
        }

        return rule;
    }

    /// <summary>The shape of a rule: a known channel, distinct groups, not the same group both in and out.</summary>
    private static AudienceRule Check(AudienceRule rule)
    {
        if (!Enum.IsDefined(rule.Channel))
        {
            throw new DomainException("Choose email or SMS.", "Channel");
        }

        var include = (rule.Include ?? []).Distinct().ToList();
        var exclude = (rule.Exclude ?? []).Distinct().ToList();
        if (include.Count + exclude.Count > AudienceRule.MaxGroups)
        {
            throw new DomainException($"An audience can name at most {AudienceRule.MaxGroups} groups.", "Groups");
        }

        if (include.Intersect(exclude).Any())
        {
            throw new DomainException("A group cannot be both included and excluded.", "Groups");
        }

        return rule with { Include = include, Exclude = exclude, Filter = rule.HasFilter ? rule.Filter : null };
    }

    private static AudienceSummary Summary(Audience a) =>
        new(a.Id, a.Name, AudienceRule.FromJson(a.RuleJson, a.Channel), a.CreatedBy, a.CreatedAt, a.UpdatedAt);

    private static SnapshotSummary SnapshotSummaryOf(AudienceSnapshot s) =>
        new(s.Id, s.AudienceId, s.AudienceName, s.Channel, s.Size, s.TakenAt, s.TakenBy, s.RuleJson);

    private static string People(int n) => n == 1 ? "1 person" : $"{n.ToString("N0", CultureInfo.InvariantCulture)} people";

    private static NotFoundException NotFound() => new("This audience does not exist (it may have been deleted).");
}
