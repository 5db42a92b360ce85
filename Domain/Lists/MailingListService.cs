using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Lists;

/// <summary>Mailing lists and who is on them.</summary>
public sealed class MailingListService(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ChangeFeed changes, StaffAccess access, Audit.AuditLog audit)
{
    public async Task<IReadOnlyList<MailingListSummary>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MailingLists.AsNoTracking()
            .OrderBy(l => l.NameKey)
            .Select(l => new MailingListSummary(l.Id, l.Name, db.ListSubscriptions.Count(s => s.ListId == l.Id)))
            .ToListAsync(ct);
    }

    public async Task<int> CreateAsync(string? name, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageTags, ct);
        var cleaned = Clean(name);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureFreeAsync(db, cleaned, null, ct);
        var list = MailingList.Create(cleaned, clock.GetUtcNow().UtcDateTime);
        db.MailingLists.Add(list);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.DefinitionsChanged);
        return list.Id;
    }

    public async Task RenameAsync(int listId, string? name, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageTags, ct);
        var cleaned = Clean(name);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var list = await db.MailingLists.SingleOrDefaultAsync(l => l.Id == listId, ct) ?? throw new NotFoundException("This list no longer exists.");
        await EnsureFreeAsync(db, cleaned, listId, ct);
        list.Rename(cleaned);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.DefinitionsChanged);
    }

    /// <summary>Deletes the list and its subscriptions; returns how many people were on it.</summary>
    public async Task<int> DeleteAsync(int listId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageTags, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.ListSubscriptions.Where(s => s.ListId == listId).ExecuteDeleteAsync(ct);
        if (await db.MailingLists.Where(l => l.Id == listId).ExecuteDeleteAsync(ct) == 0)
        {
            throw new NotFoundException("This list no longer exists.");
        }

        await transaction.CommitAsync(ct);
        changes.Publish(ChangeKind.DefinitionsChanged);
        return removed;
    }

    public async Task<IReadOnlyList<ListMembership>> ForCustomerAsync(int customerId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ListSubscriptions.AsNoTracking().Where(s => s.CustomerId == customerId)
            .Join(db.MailingLists, s => s.ListId, l => l.Id, (s, l) => new { l.Id, l.Name, l.NameKey, s.FirstSubscribedAt })
            .OrderBy(x => x.NameKey)
            .Select(x => new ListMembership(x.Id, x.Name, x.FirstSubscribedAt))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Puts the person on the list. They need an email address, and someone who unsubscribed from email or
    /// whose address bounced is not put back on a list by staff: they have to opt in again.
    /// </summary>
    public async Task SubscribeAsync(int customerId, int listId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.EditProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var person = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { c.Email, c.EmailConsent.Status })
            .SingleOrDefaultAsync(ct)
            ?? throw NotFoundException.Profile();
        if (person.Email is null)
        {
            throw new DomainException("Add an email address before adding this person to a mailing list.");
        }

        if (person.Status is ConsentStatus.Unsubscribed or ConsentStatus.Bounced)
        {
            throw new DomainException(person.Status == ConsentStatus.Bounced
                ? "Emails to this address bounce; fix the address first."
                : "This person unsubscribed from email; they have to opt in again before joining a list.");
        }

        if (!await db.MailingLists.AnyAsync(l => l.Id == listId, ct))
        {
            throw new NotFoundException("This list no longer exists.");
        }

        if (!await db.ListSubscriptions.AnyAsync(s => s.CustomerId == customerId && s.ListId == listId, ct))
        {
            db.ListSubscriptions.Add(new ListSubscription { CustomerId = customerId, ListId = listId, FirstSubscribedAt = clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(ct);
            changes.Publish(ChangeKind.ListsChanged, customerId);
        }
    }

    public async Task UnsubscribeAsync(int customerId, int listId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.EditProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.ListSubscriptions.Where(s => s.CustomerId == customerId && s.ListId == listId).ExecuteDeleteAsync(ct) > 0)
        {
            // A delete by query bypasses the audit interceptor: its line is written here, in the same transaction.
            var name = await db.MailingLists.Where(l => l.Id == listId).Select(l => l.Name).SingleOrDefaultAsync(ct);
            await audit.WriteAsync(db, new Audit.AuditEvent("profile.unsubscribed", $"Unsubscribed from the list “{name}”", "list",
                listId.ToString(System.Globalization.CultureInfo.InvariantCulture), customerId), ct);
            await transaction.CommitAsync(ct);
            changes.Publish(ChangeKind.ListsChanged, customerId);
        }
    }

    private static string Clean(string? name)
    {
        var cleaned = ContactRules.Clean(name) ?? throw new DomainException("Name the list.", "Name");
        return cleaned.Length > MailingList.NameMaxLength || cleaned.Any(char.IsControl)
            ? throw new DomainException($"A list name can be at most {MailingList.NameMaxLength} characters.", "Name")
            : cleaned;
    }

    private static async Task EnsureFreeAsync(DirectoryDbContext db, string name, int? exceptId, CancellationToken ct)
    {
        var key = ContactRules.Fold(name);
        if (await db.MailingLists.AnyAsync(l => l.NameKey == key && l.Id != exceptId, ct))
        {
            throw new DomainException($"A list called \"{name}\" already exists.", "Name");
        }
    }
}
