using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Tags;

/// <summary>Tags: put on and taken off profiles (created on the fly), renamed and deleted centrally.</summary>
public sealed class TagService(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ChangeFeed changes, StaffAccess access, Audit.AuditLog audit)
{
    public const int MaxSuggestions = 20;

    /// <summary>Every tag with how many profiles carry it, most used first; optionally only names containing <paramref name="search"/>.</summary>
    public async Task<IReadOnlyList<TagSummary>> ListAsync(string? search = null, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tags = db.Tags.AsNoTracking();
        if (Customers.ContactRules.Clean(search) is { } text)
        {
            var key = Tag.Key(text);
            tags = tags.Where(t => t.NameKey.Contains(key));
        }

        return await tags
            .Select(t => new { t.Id, t.Name, t.NameKey, Count = db.CustomerTags.Count(x => x.TagId == t.Id) })
            .OrderByDescending(t => t.Count).ThenBy(t => t.NameKey)
            .Select(t => new TagSummary(t.Id, t.Name, t.Count))
            .ToListAsync(ct);
    }

    /// <summary>Tag names starting with what was typed, for the profile's tag box.</summary>
    public async Task<IReadOnlyList<TagRef>> SuggestAsync(string? prefix, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = Customers.ContactRules.Clean(prefix) is { } text ? Tag.Key(text) : "";
        return await db.Tags.AsNoTracking()
            .Where(t => t.NameKey.StartsWith(key))
            .OrderBy(t => t.NameKey)
            .Take(MaxSuggestions)
            .Select(t => new TagRef(t.Id, t.Name))
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<TagRef>> ForCustomerAsync(int customerId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CustomerTags.AsNoTracking()
            .Where(x => x.CustomerId == customerId)
            .Join(db.Tags, x => x.TagId, t => t.Id, (_, t) => t)
            .OrderBy(t => t.NameKey)
            .Select(t => new TagRef(t.Id, t.Name))
            .ToListAsync(ct);
    }

    /// <summary>Puts the tag named <paramref name="name"/> on the profile, creating the tag if it is new. Idempotent.</summary>
    public async Task<TagRef> AddToCustomerAsync(int customerId, string? name, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.TagProfiles, ct);
        var cleaned = Tag.Clean(name);
        var key = Tag.Key(cleaned);
        var now = clock.GetUtcNow().UtcDateTime;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.EnsureCustomerExistsAsync(customerId, ct);

        var tag = await db.Tags.SingleOrDefaultAsync(t => t.NameKey == key, ct);
        var isNew = tag is null;
        if (tag is null)
        {
            tag = Tag.Create(cleaned, now);
            db.Tags.Add(tag);
            await db.SaveChangesAsync(ct);
        }

        if (!await db.CustomerTags.AnyAsync(x => x.CustomerId == customerId && x.TagId == tag.Id, ct))
        {
            db.CustomerTags.Add(new CustomerTag { CustomerId = customerId, TagId = tag.Id, AddedAt = now });
            await db.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
        if (isNew)
        {
            // A new tag is a new filter option.
            changes.Publish(ChangeKind.DefinitionsChanged);
        }

        changes.Publish(ChangeKind.TagsChanged, customerId);
        return new TagRef(tag.Id, tag.Name);
    }

    public async Task RemoveFromCustomerAsync(int customerId, int tagId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.TagProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.CustomerTags.Where(x => x.CustomerId == customerId && x.TagId == tagId).ExecuteDeleteAsync(ct) > 0)
        {
            // A delete by query bypasses the audit interceptor: its line is written here, in the same transaction.
            var name = await db.Tags.Where(t => t.Id == tagId).Select(t => t.Name).SingleOrDefaultAsync(ct);
            await audit.WriteAsync(db, new Audit.AuditEvent("profile.untagged", $"Took the tag “{name}” off the profile", "tag",
                tagId.ToString(System.Globalization.CultureInfo.InvariantCulture), customerId), ct);
            await transaction.CommitAsync(ct);
            changes.Publish(ChangeKind.TagsChanged, customerId);
        }
    }

    /// <summary>Renames a tag everywhere at once. A name another tag already has is refused (merging is a separate decision).</summary>
    public async Task RenameAsync(int tagId, string? newName, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageTags, ct);
        var cleaned = Tag.Clean(newName);
        var key = Tag.Key(cleaned);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tag = await db.Tags.SingleOrDefaultAsync(t => t.Id == tagId, ct) ?? throw new NotFoundException("This tag no longer exists.");
        if (await db.Tags.AnyAsync(t => t.NameKey == key && t.Id != tagId, ct))
        {
            throw new DomainException($"Another tag is already called \"{cleaned}\".", "Name");
        }

        tag.Rename(cleaned);
        await db.SaveChangesAsync(ct);
        changes.Publish(ChangeKind.DefinitionsChanged);
    }

    /// <summary>Deletes the tag and takes it off every profile; returns how many profiles had it.</summary>
    public async Task<int> DeleteAsync(int tagId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ManageTags, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.CustomerTags.Where(x => x.TagId == tagId).ExecuteDeleteAsync(ct);
        if (await db.Tags.Where(t => t.Id == tagId).ExecuteDeleteAsync(ct) == 0)
        {
            throw new NotFoundException("This tag no longer exists.");
        }

        await transaction.CommitAsync(ct);
        changes.Publish(ChangeKind.DefinitionsChanged);
        return removed;
    }
}
