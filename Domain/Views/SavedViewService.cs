using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Views;

/// <summary>Saved views of the directory: listed, saved (created, or overwritten by name), renamed and deleted.</summary>
/// <remarks>
/// A view's filter is only checked for shape (<see cref="FilterDefinition.FromJson"/>), not against the current fields:
/// a view whose field was deleted later must still open, and then says what no longer applies.
/// </remarks>
public sealed class SavedViewService(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ChangeFeed changes, StaffAccess access)
{
    /// <summary>Every view, by name.</summary>
    public async Task<IReadOnlyList<SavedViewSummary>> ListAsync(CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SavedViews.AsNoTracking()
            .OrderBy(v => v.NameKey)
            .Select(v => new SavedViewSummary(v.Id, v.Name, v.FilterJson, v.Text, v.Sort, v.Descending, v.CreatedBy, v.CreatedAt, v.UpdatedAt))
            .ToListAsync(ct);
    }

    public async Task<SavedViewSummary> GetAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SavedViews.AsNoTracking()
            .Where(v => v.Id == id)
            .Select(v => new SavedViewSummary(v.Id, v.Name, v.FilterJson, v.Text, v.Sort, v.Descending, v.CreatedBy, v.CreatedAt, v.UpdatedAt))
            .SingleOrDefaultAsync(ct)
            ?? throw NotFound();
    }

    /// <summary>
    /// Saves a view under its name. When a view of that name (in any case or accents) exists, it is replaced if
    /// <paramref name="overwrite"/> is set (the person confirmed), and refused otherwise. Returns the view's id.
    /// </summary>
    public async Task<int> SaveAsync(SavedViewInput input, string createdBy, bool overwrite = false, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(createdBy);
        var name = SavedView.CleanName(input.Name);
        var content = Check(input);
        var key = SavedView.Key(name);
        var now = clock.GetUtcNow().UtcDateTime;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var view = await db.SavedViews.SingleOrDefaultAsync(v => v.NameKey == key, ct);
        if (view is null)
        {
            view = SavedView.Create(name, content, createdBy, now);
            db.SavedViews.Add(view);
        }
        else if (overwrite)
        {
            view.Rename(name, now);
            view.Replace(content, now);
        }
        else
        {
            throw Taken(view.Name);
        }

        await SaveUniqueAsync(db, name, ct);
        changes.Publish(ChangeKind.ViewsChanged);
        return view.Id;
    }

    /// <summary>Renames a view; a name another view already has is refused.</summary>
    public async Task RenameAsync(int id, string? newName, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        var name = SavedView.CleanName(newName);
        var key = SavedView.Key(name);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var view = await db.SavedViews.SingleOrDefaultAsync(v => v.Id == id, ct) ?? throw NotFound();
        if (await db.SavedViews.Where(v => v.NameKey == key && v.Id != id).Select(v => v.Name).FirstOrDefaultAsync(ct) is { } other)
        {
            throw Taken(other);
        }

        if (view.Name == name)
        {
            return;
        }

        view.Rename(name, clock.GetUtcNow().UtcDateTime);
        await SaveUniqueAsync(db, name, ct);
        changes.Publish(ChangeKind.ViewsChanged);
    }

    public async Task DeleteAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.SavedViews.Where(v => v.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            throw NotFound();
        }

        changes.Publish(ChangeKind.ViewsChanged);
    }

    private static ViewContent Check(SavedViewInput input)
    {
        // Read and re-written, so what is stored is always in the current format and a damaged filter never is.
        var filter = FilterDefinition.FromJson(input.FilterJson ?? throw new DomainException("A view needs a filter.", "Filter"));
        var text = ContactRules.Clean(input.Text);
        if (text is { Length: > CustomerSearch.MaxTextLength })
        {
            throw new DomainException($"Search text can be at most {CustomerSearch.MaxTextLength} characters.", "Text");
        }

        if (input.Sort is { } sort && !Enum.IsDefined(sort))
        {
            throw new DomainException("This sort order does not exist.", "Sort");
        }

        return new ViewContent(filter.ToJson(), text, input.Sort, input.Descending);
    }

    /// <summary>Saves; two people saving the same new name at once get one view and one clear refusal.</summary>
    private static async Task SaveUniqueAsync(DirectoryDbContext db, string name, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            var key = SavedView.Key(name);
            db.ChangeTracker.Clear();
            if (await db.SavedViews.AnyAsync(v => v.NameKey == key, ct))
            {
                throw Taken(name);
            }

            throw;
        }
    }

    private static DomainException Taken(string name) => new($"A view called \"{name}\" already exists.", "Name");

    private static NotFoundException NotFound() => new("This view no longer exists (it may have been deleted).");
}
