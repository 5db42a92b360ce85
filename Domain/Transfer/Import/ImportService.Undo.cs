using System.Globalization;
using System.Text.Json;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Transfer.Import;

public sealed partial class ImportService
{
    private const int UndoChunk = 1_000;
    private const int KeptListed = 100;

    /// <summary>The imports being undone by this process.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> _undoing = new();

    /// <summary>
    /// Reverts an import: the profiles it created are removed and the fields it changed restored, but only where
    /// nobody has touched the profile since (its version moved, or it has visits, orders, notes…); those are kept,
    /// and the result says which and why.
    /// </summary>
    public async Task<ImportUndoResult> UndoAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.Import, ct);
        var actor = access.RequireActor();
        ImportRun run;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            run = await FindAsync(db, id, ct);
        }

        if (run.Status is ImportStatus.Uploaded or ImportStatus.Queued or ImportStatus.Running or ImportStatus.Stopping)
        {
            throw new DomainException("An import can be undone once it has finished (stop it first).");
        }

        if (run.Status == ImportStatus.Undone)
        {
            throw new DomainException("This import was already undone.");
        }

        // One undo at a time: this process marks it, and the status moves to Undoing in the database. An import found
        // Undoing with no undo running here was left half-undone by a stopped app: it carries on (each chunk is whole).
        if (!_undoing.TryAdd(id, 0))
        {
            throw new DomainException("This import is being undone.");
        }

        try
        {
            if (run.Status != ImportStatus.Undoing)
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var finished = run.Status;
                if (await db.ImportRuns.Where(r => r.Id == id && r.Status == finished).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ImportStatus.Undoing), ct) == 0)
                {
                    throw new DomainException("This import is being undone.");
                }
            }

            return await UndoChunksAsync(run, actor, ct);
        }
        finally
        {
            _undoing.TryRemove(id, out _);
        }
    }

    private async Task<ImportUndoResult> UndoChunksAsync(ImportRun run, StaffActor actor, CancellationToken ct)
    {
        var id = run.Id;

        var removed = 0;
        var restored = 0;
        var kept = new List<string>();
        var keptCount = 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var lastCustomer = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var ids = await db.ImportChanges.Where(c => c.ImportRunId == id && c.CustomerId > lastCustomer)
                .Select(c => c.CustomerId).Distinct().OrderBy(c => c).Take(UndoChunk).ToListAsync(ct);
            if (ids.Count == 0)
            {
                break;
            }

            lastCustomer = ids[^1];
            var entries = (await db.ImportChanges.AsNoTracking().Where(c => c.ImportRunId == id && ids.Contains(c.CustomerId)).ToListAsync(ct))
                .GroupBy(c => c.CustomerId).ToDictionary(g => g.Key, g => g.OrderBy(c => c.Id).ToList());
            var customers = await db.Customers.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
            var busy = await HasOwnHistoryAsync(db, ids, ct);

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var deleted = new List<int>();
            var touched = new List<int>();
            var recount = new List<int>();
            foreach (var (customerId, changesOfOne) in entries)
            {
                if (!customers.TryGetValue(customerId, out var customer))
                {
                    continue; // deleted since: nothing to undo
                }

                var effective = changesOfOne.Where(c => c.Created || c.BeforeJson is not null).ToList();
                if (effective.Count == 0)
                {
                    continue; // only matched or skipped
                }

                string? why = customer.Version != effective.Max(c => c.VersionAfter) ? "edited since the import"
                    : effective.Any(c => c.Created) && busy.Contains(customerId) ? "has visits, orders, notes or memberships added since the import"
                    : null;
                if (why is null && !effective.Any(c => c.Created))
                {
                    why = await RestoreAsync(db, customer, effective, now, recount, ct);
                }

                if (why is not null)
                {
                    keptCount++;
                    if (kept.Count < KeptListed)
                    {
                        kept.Add($"{customer.FirstName} {customer.LastName} (#{customer.Id}): {why}");
                    }

                    continue;
                }

                if (effective.Any(c => c.Created))
                {
                    deleted.Add(customerId);
                    await audit.WriteAsync(db, new AuditEvent("profile.deleted", $"Removed {customer.FirstName} {customer.LastName} (undo of import of {run.FileName})",
                        "profile", customerId.ToString(CultureInfo.InvariantCulture), customerId), ct);
                }
                else
                {
                    restored++;
                }

                touched.Add(customerId);
            }

            await db.SaveChangesAsync(ct);
            await ActivityService.RefreshTotalsAsync(db, recount, ct);
            if (deleted.Count > 0)
            {
                await db.Customers.Where(c => deleted.Contains(c.Id)).ExecuteDeleteAsync(ct);
                removed += deleted.Count;
            }

            await transaction.CommitAsync(ct);
            await LeaveManualGroupsAsync(deleted, actor, ct);
            changes.PublishMany(ChangeKind.ProfilesImported, touched);
        }

        var summary = $"Removed {removed:N0} profiles and restored {restored:N0}" + (keptCount > 0 ? $"; kept {keptCount:N0} changed since the import." : ".");
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var stored = await FindAsync(db, id, ct);
            stored.Status = ImportStatus.Undone;
            stored.UndoneAt = now;
            stored.UndoneByName = actor.Name;
            stored.UndoSummary = summary;
            await db.SaveChangesAsync(ct);
            await audit.WriteAsync(db, new AuditEvent("import.undone", $"Undid the import of {run.FileName}: {summary}", "import", id.ToString(CultureInfo.InvariantCulture)), ct);
            await transaction.CommitAsync(ct);
        }

        changes.Publish(ChangeKind.ImportsChanged);
        return new ImportUndoResult(removed, restored, kept);
    }

    /// <summary>Profiles with their own activity or notes: a created profile with any of these is not removed.</summary>
    private static async Task<HashSet<int>> HasOwnHistoryAsync(DirectoryDbContext db, List<int> ids, CancellationToken ct)
    {
        var busy = new HashSet<int>();
        busy.UnionWith(await db.Visits.Where(v => ids.Contains(v.CustomerId)).Select(v => v.CustomerId).Distinct().ToListAsync(ct));
        busy.UnionWith(await db.Orders.Where(v => ids.Contains(v.CustomerId)).Select(v => v.CustomerId).Distinct().ToListAsync(ct));
        busy.UnionWith(await db.Donations.Where(v => ids.Contains(v.CustomerId)).Select(v => v.CustomerId).Distinct().ToListAsync(ct));
        busy.UnionWith(await db.Memberships.Where(v => ids.Contains(v.CustomerId)).Select(v => v.CustomerId).Distinct().ToListAsync(ct));
        busy.UnionWith(await db.Notes.Where(v => ids.Contains(v.CustomerId)).Select(v => v.CustomerId).Distinct().ToListAsync(ct));
        return busy;
    }

    /// <summary>
    /// Puts back what the import replaced, newest first; null when done, else why it could not be. A profile whose history
    /// from before Directory comes back is added to <paramref name="recount"/>: its totals are recomputed once saved.
    /// </summary>
    private static async Task<string?> RestoreAsync(DirectoryDbContext db, Customer customer, List<ImportChange> changesOfOne, DateTime now, List<int> recount, CancellationToken ct)
    {
        var befores = changesOfOne.Where(c => c.BeforeJson is not null).OrderByDescending(c => c.Id)
            .Select(c => JsonSerializer.Deserialize<ImportBefore>(c.BeforeJson!, Json)!).ToList();

        // Fields: the oldest value the import replaced is the one to put back.
        var fields = new Dictionary<string, string?>();
        DateOnly? birthday = customer.Birthday;
        foreach (var before in befores)
        {
            foreach (var (field, value) in before.Fields ?? [])
            {
                fields[field] = value;
            }

            if (before.BirthdayChanged)
            {
                birthday = before.Birthday;
            }
        }

        string? Field(string name, string? current) => fields.TryGetValue(name, out var value) ? value : current;
        var input = new CustomerInput
        {
            FirstName = Field(nameof(Customer.FirstName), customer.FirstName),
            LastName = Field(nameof(Customer.LastName), customer.LastName),
            Email = Field(nameof(Customer.Email), customer.Email),
            Phone = Field(nameof(Customer.Phone), customer.Phone),
            AddressLine = Field(nameof(Customer.AddressLine), customer.AddressLine),
            PostalCode = Field(nameof(Customer.PostalCode), customer.PostalCode),
            City = Field(nameof(Customer.City), customer.City),
            Country = Field(nameof(Customer.Country), customer.Country),
            Birthday = birthday,
        };
        var emailKey = ContactRules.NormalizeEmail(input.Email);
        if (emailKey is not null && emailKey != customer.EmailKey && await db.Customers.AnyAsync(c => c.EmailKey == emailKey && c.Id != customer.Id, ct))
        {
            return $"its old email {input.Email} now belongs to another profile";
        }

        customer.Update(input, now);

        var tagsAdded = befores.SelectMany(b => b.TagsAdded ?? []).Distinct().ToList();
        if (tagsAdded.Count > 0)
        {
            db.CustomerTags.RemoveRange(await db.CustomerTags.Where(t => t.CustomerId == customer.Id && tagsAdded.Contains(t.TagId)).ToListAsync(ct));
        }

        var values = new Dictionary<int, List<ImportFieldValue>>();
        foreach (var before in befores)
        {
            foreach (var (field, rows) in before.CustomValues ?? [])
            {
                values[field] = rows;
            }
        }

        foreach (var (field, rows) in values)
        {
            db.CustomFieldValues.RemoveRange(await db.CustomFieldValues.Where(v => v.CustomerId == customer.Id && v.FieldId == field).ToListAsync(ct));
            if (await db.CustomFields.AnyAsync(f => f.Id == field, ct))
            {
                var options = await db.CustomFieldOptions.Where(o => o.FieldId == field).Select(o => o.Id).ToListAsync(ct);
                db.CustomFieldValues.AddRange(rows.Where(r => r.OptionId is null || options.Contains(r.OptionId.Value)).Select(r => new CustomFieldValue
                {
                    CustomerId = customer.Id, FieldId = field, Flag = r.Flag, OptionId = r.OptionId, Text = r.Text, Number = r.Number, Date = r.Date,
                }));
            }
        }

        if (befores.LastOrDefault(b => b.Prior is not null)?.Prior is { } prior && customer.SetPriorActivity(prior))
        {
            recount.Add(customer.Id);
        }

        if (befores.LastOrDefault(b => b.EmailConsent is not null)?.EmailConsent is { } email)
        {
            customer.RestoreConsent(ConsentChannel.Email, ToConsent(email));
        }

        if (befores.LastOrDefault(b => b.SmsConsent is not null)?.SmsConsent is { } sms)
        {
            customer.RestoreConsent(ConsentChannel.Sms, ToConsent(sms));
        }

        return null;
    }

    private static ChannelConsent ToConsent(ImportConsent c) =>
        new() { Status = c.Status, ChangedAt = c.ChangedAt, Origin = c.Origin, ChangedBy = c.ChangedBy, SubscribedAt = c.SubscribedAt };

    /// <summary>Removed profiles leave the manual groups they were in (automated groups follow the change event).</summary>
    private async Task LeaveManualGroupsAsync(List<int> deleted, StaffActor actor, CancellationToken ct)
    {
        if (deleted.Count == 0)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var memberships = await db.GroupMembers.Where(m => m.LeftAt == null && deleted.Contains(m.CustomerId))
            .Join(db.Groups.Where(g => g.Kind == GroupKind.Manual), m => m.GroupId, g => g.Id, (m, g) => new { m.GroupId, m.CustomerId })
            .ToListAsync(ct);
        foreach (var group in memberships.GroupBy(m => m.GroupId))
        {
            await groups.ApplyManualAsync(group.Key, [.. group.Select(m => m.CustomerId)], add: false, MembershipCause.Import, GroupEngine.Actor(actor.Name), ct);
        }
    }
}
