using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Filters.Index;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Customers;

/// <summary>Finding, creating and editing profiles.</summary>
public sealed partial class CustomerService(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, ChangeFeed changes, FilterCatalogService catalogs, MerchantOptions merchant, ProfileIndex index, Groups.GroupEngine groups, StaffAccess access)
{
    public async Task<CustomerPage> SearchAsync(CustomerSearch search, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        var query = await ForCallerAsync(search, ct);
        var (bound, found) = await FindAsync(query, ct);
        return await PageAsync(query, bound, found, ct);
    }

    /// <summary>A directory search as the caller may run it (see <see cref="ForCaller"/>), its window clamped.</summary>
    private sealed record DirectoryQuery(FieldAccess Fields, FilterDefinition? Filter, string? Text, CustomerSort Sort, bool Descending, int Skip, int Take);

    private async Task<DirectoryQuery> ForCallerAsync(CustomerSearch search, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (search.Text is { Length: > CustomerSearch.MaxTextLength })
        {
            throw new DomainException($"Search text can be at most {CustomerSearch.MaxTextLength} characters.", nameof(search.Text));
        }

        var fields = await access.FieldsAsync(ct);
        fields.Check(search.Sort);
        var (filter, text) = ForCaller(fields, search.Filter, search.Text);
        return new DirectoryQuery(fields, filter, text, search.Sort, search.Descending, Math.Max(0, search.Skip), Math.Clamp(search.Take, 1, CustomerSearch.MaxPageSize));
    }

    /// <summary>The filter bound, and the page's ids and counts from the index; no ids while the SQL path applies.</summary>
    private async Task<(Bound Bound, IndexPage? Found)> FindAsync(DirectoryQuery query, CancellationToken ct)
    {
        var bound = await BindAsync(query.Filter, ct);
        var filtered = bound is not BoundConstant { Value: true } || ContactRules.Clean(query.Text) is not null;
        if (!index.IsReady && !(filtered && await index.WhenReadyAsync(ct)))
        {
            return (bound, null);
        }

        var resolved = await groups.ResolveAsync(bound, ct);
        return (bound, await Task.Run(() => index.Query(resolved, query.Text, query.Sort, query.Descending, query.Skip, query.Take, ct), ct));
    }

    /// <summary>The rows: by key for the ids the index found, else the whole search in SQL; masked for the caller.</summary>
    private async Task<CustomerPage> PageAsync(DirectoryQuery query, Bound bound, IndexPage? found, CancellationToken ct)
    {
        var fields = query.Fields;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (found is not null)
        {
            var ids = found.Ids;
            var byId = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(Row).ToDictionaryAsync(r => r.Id, ct);
            return new CustomerPage([.. ids.Where(byId.ContainsKey).Select(id => fields.Mask(byId[id]))], found.Total, found.AllCount);
        }

        var text = query.Text;
        var sql = SqlQuery(db, bound, text);
        var total = await sql.CountAsync(ct);
        var allCount = bound is BoundConstant { Value: true } && ContactRules.Clean(text) is null ? total : await db.Customers.CountAsync(ct);
        var rows = await Sort(sql, query.Sort, query.Descending)
            .Skip(query.Skip)
            .Take(query.Take)
            .Select(Row)
            .ToListAsync(ct);
        return new CustomerPage([.. rows.Select(fields.Mask)], total, allCount);
    }

    /// <summary>
    /// The filter and search text as this person may use them: a filter on a field they may not see is refused; without
    /// contact details the search box matches names only (it would otherwise find people by email or phone).
    /// </summary>
    internal static (FilterDefinition? Filter, string? Text) ForCaller(FieldAccess fields, FilterDefinition? filter, string? text)
    {
        fields.Check(filter);
        if (fields.Contact || ContactRules.Clean(text) is not { } cleaned)
        {
            return (filter, text);
        }

        var words = ContactRules.Fold(cleaned).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => FilterNode.Any(
                FilterNode.Condition(FilterFields.FirstName, FilterOperator.Contains, w),
                FilterNode.Condition(FilterFields.LastName, FilterOperator.Contains, w)));
        var names = FilterNode.All([.. words]);
        var root = filter is null || filter.IsEmpty ? names : FilterNode.All(filter.Root, names);
        return (new FilterDefinition { Root = root }, null);
    }

    /// <summary>Every id a directory filter (and search text) matches, ascending: by the index when ready, else by SQL.</summary>
    internal async Task<int[]> MatchingIdsAsync(FilterDefinition? filter, string? text, CancellationToken ct = default)
    {
        var bound = await BindAsync(filter, ct);
        if (index.IsReady || await index.WhenReadyAsync(ct))
        {
            var resolved = await groups.ResolveAsync(bound, ct);
            return await Task.Run(() => index.MatchingIds(resolved, text, ct), ct);
        }

        return await SqlMatchingIdsAsync(bound, text, ct);
    }

    /// <summary>The ids a filter (and search text) matches, ascending, computed by SQL: the reference the index is checked against.</summary>
    internal async Task<int[]> SqlMatchingIdsAsync(Bound bound, string? text, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await SqlQuery(db, bound, text).OrderBy(c => c.Id).Select(c => c.Id).ToArrayAsync(ct);
    }

    /// <summary>How many profiles a filter (and search text) matches, computed by SQL (the baseline the index is measured against).</summary>
    internal async Task<int> SqlCountAsync(Bound bound, string? text, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await SqlQuery(db, bound, text).CountAsync(ct);
    }

    /// <summary>One page of ids in the directory's order, computed by SQL (the reference for sorting and paging).</summary>
    internal async Task<int[]> SqlPageIdsAsync(Bound bound, string? text, CustomerSort sort, bool descending, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Sort(SqlQuery(db, bound, text), sort, descending).Skip(skip).Take(take).Select(c => c.Id).ToArrayAsync(ct);
    }

    private static IQueryable<Customer> SqlQuery(DirectoryDbContext db, Bound bound, string? text)
    {
        var query = Filter(db.Customers.AsNoTracking(), text);
        return bound is BoundConstant { Value: true } ? query : query.Where(SqlFilter.Predicate(bound, db));
    }

    private static readonly System.Linq.Expressions.Expression<Func<Customer, CustomerRow>> Row = c =>
        new CustomerRow(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.CreatedAt, c.TotalSpentMinor, c.OrderCount, c.LastOrderAt, c.LastVisitAt, c.EmailConsent.SubscribedAt);

    /// <summary>Checks a filter against the current fields and binds it at the current time; throws <see cref="FilterException"/>.</summary>
    internal async Task<Bound> BindAsync(FilterDefinition? filter, CancellationToken ct)
    {
        if (filter is null || filter.IsEmpty)
        {
            return new BoundConstant(true);
        }

        var catalog = await catalogs.GetAsync(ct);
        return FilterBinder.Bind(filter, catalog, clock.GetUtcNow().UtcDateTime, merchant.TimeZone);
    }

    public async Task<CustomerDetails> GetAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        var fields = await access.FieldsAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var details = await db.Customers.AsNoTracking()
            .Where(c => c.Id == id)
            .Select(c => new CustomerDetails(c.Id, c.FirstName, c.LastName, c.Email, c.Phone,
                c.AddressLine, c.PostalCode, c.City, c.Country, c.Birthday, c.Source, c.HasAccount, c.PhotoUploaded,
                c.CreatedAt, c.UpdatedAt, c.Version,
                new CustomerEngagement(c.VisitCount, c.FirstVisitAt, c.LastVisitAt, c.OrderCount, c.TotalSpentMinor, c.FirstOrderAt, c.LastOrderAt,
                    c.DonationCount, c.DonationTotalMinor, c.LastDonationAt, c.ActiveMembershipCount, c.LoyaltyEnrolled ? c.LoyaltyPoints : null,
                    new Activity.PriorActivity(c.PriorVisitCount, c.PriorLastVisitAt, c.PriorOrderCount, c.PriorSpentMinor, c.PriorLastOrderAt,
                        c.PriorDonationCount, c.PriorDonatedMinor, c.PriorLastDonationAt))))
            .SingleOrDefaultAsync(ct)
            ?? throw NotFoundException.Profile();
        return fields.Mask(details);
    }

    public async Task<int> CreateAsync(CustomerInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.CreateProfiles, ct);
        ArgumentNullException.ThrowIfNull(input);
        var customer = Customer.Create(input, clock.GetUtcNow().UtcDateTime);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureEmailFreeAsync(db, customer.EmailKey, exceptId: null, ct);
        db.Customers.Add(customer);
        await SaveAsync(db, customer.EmailKey, customer.Id, ct);
        changes.Publish(ChangeKind.CustomerCreated, customer.Id);
        return customer.Id;
    }

    /// <summary>Saves the form over the profile as it was at <paramref name="expectedVersion"/>; returns the new version.</summary>
    /// <exception cref="ConcurrencyConflictException">Someone saved the profile in the meantime.</exception>
    public async Task<int> UpdateAsync(int id, CustomerInput input, int expectedVersion, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.EditProfiles, ct);
        ArgumentNullException.ThrowIfNull(input);
        input.EnsureValid();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == id, ct)
            ?? throw NotFoundException.Profile();
        if (customer.Version != expectedVersion)
        {
            throw Conflict();
        }

        if (!(await access.FieldsAsync(ct)).Contact)
        {
            // They never saw the contact details, so the form's blanks are not a wish to erase them: keep them.
            input = input.WithContactOf(customer);
        }

        await EnsureEmailFreeAsync(db, ContactRules.NormalizeEmail(input.Email), exceptId: id, ct);
        if (!customer.Update(input, clock.GetUtcNow().UtcDateTime))
        {
            return customer.Version;
        }

        // The version we read is the one the save must still find, or someone else got there first.
        db.Entry(customer).Property(c => c.Version).OriginalValue = expectedVersion;
        try
        {
            await SaveAsync(db, customer.EmailKey, id, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw Conflict();
        }

        changes.Publish(ChangeKind.CustomerUpdated, id);
        return customer.Version;
    }

    /// <summary>
    /// Deletes a profile and everything that is only theirs (visits, orders, donations, memberships, notes, tags, custom
    /// values, list subscriptions, overrides), in one transaction with its audit line; they leave the groups they were in.
    /// The groups' membership history and the audit log keep the id (and the log the deleted values: it is append-only).
    /// </summary>
    public async Task DeleteAsync(int id, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.DeleteProfiles, ct);
        var actor = access.RequireActor();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == id, ct) ?? throw NotFoundException.Profile();
        db.Customers.Remove(customer);
        await db.SaveChangesAsync(ct);

        // Manual groups keep their members until someone removes them: leave them now (automated groups follow the event).
        var manual = await db.GroupMembers.Where(m => m.CustomerId == id && m.LeftAt == null)
            .Join(db.Groups.Where(g => g.Kind == Groups.GroupKind.Manual), m => m.GroupId, g => g.Id, (m, g) => g.Id)
            .ToListAsync(ct);
        foreach (var groupId in manual)
        {
            await groups.ApplyManualAsync(groupId, [id], add: false, Groups.MembershipCause.ProfileDeleted, Groups.GroupEngine.Actor(actor.Name), ct);
        }

        changes.Publish(ChangeKind.CustomerUpdated, id);
    }

    internal static IQueryable<Customer> Filter(IQueryable<Customer> query, string? text)
    {
        var cleaned = ContactRules.Clean(text);
        if (cleaned is null)
        {
            return query;
        }

        var folded = ContactRules.Fold(cleaned);
        if (ContactRules.LooksLikePhone(cleaned))
        {
            var keys = ContactRules.PhoneSearchKeys(cleaned);
            string Key(int i) => i < keys.Count ? keys[i] : keys[0];
            var (k0, k1, k2, k3) = (Key(0), Key(1), Key(2), Key(3));
            return query.Where(c => c.SearchText.Contains(folded)
                || (c.PhoneKey != null && (c.PhoneKey.Contains(k0) || c.PhoneKey.Contains(k1) || c.PhoneKey.Contains(k2) || c.PhoneKey.Contains(k3))));
        }

        // "jean dupont", "dupont jean", "jean", "dupont@exa": every word must appear in name or email.
        foreach (var word in folded.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            query = query.Where(c => c.SearchText.Contains(word));
        }

        return query;
    }

    private static IQueryable<Customer> Sort(IQueryable<Customer> query, CustomerSort sort, bool descending) => (sort, descending) switch
    {
        (CustomerSort.Email, false) => query.OrderBy(c => c.EmailKey).ThenBy(c => c.Id),
        (CustomerSort.Email, true) => query.OrderByDescending(c => c.EmailKey).ThenByDescending(c => c.Id),
        (CustomerSort.CreatedAt, false) => query.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id),
        (CustomerSort.CreatedAt, true) => query.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id),
        (CustomerSort.TotalSpent, false) => query.OrderBy(c => c.TotalSpentMinor).ThenBy(c => c.Id),
        (CustomerSort.TotalSpent, true) => query.OrderByDescending(c => c.TotalSpentMinor).ThenByDescending(c => c.Id),
        (CustomerSort.OrderCount, false) => query.OrderBy(c => c.OrderCount).ThenBy(c => c.Id),
        (CustomerSort.OrderCount, true) => query.OrderByDescending(c => c.OrderCount).ThenByDescending(c => c.Id),
        (CustomerSort.LastOrderAt, false) => query.OrderBy(c => c.LastOrderAt).ThenBy(c => c.Id),
        (CustomerSort.LastOrderAt, true) => query.OrderByDescending(c => c.LastOrderAt).ThenByDescending(c => c.Id),
        (CustomerSort.LastVisitAt, false) => query.OrderBy(c => c.LastVisitAt).ThenBy(c => c.Id),
        (CustomerSort.LastVisitAt, true) => query.OrderByDescending(c => c.LastVisitAt).ThenByDescending(c => c.Id),
        (CustomerSort.SubscribedAt, false) => query.OrderBy(c => c.EmailConsent.SubscribedAt).ThenBy(c => c.Id),
        (CustomerSort.SubscribedAt, true) => query.OrderByDescending(c => c.EmailConsent.SubscribedAt).ThenByDescending(c => c.Id),
        (_, false) => query.OrderBy(c => c.SortName).ThenBy(c => c.Id),
        (_, true) => query.OrderByDescending(c => c.SortName).ThenByDescending(c => c.Id),
    };

    private static async Task EnsureEmailFreeAsync(DirectoryDbContext db, string? emailKey, int? exceptId, CancellationToken ct)
    {
        if (emailKey is null)
        {
            return;
        }

        var existing = await db.Customers.AsNoTracking()
            .Where(c => c.EmailKey == emailKey && c.Id != exceptId)
            .Select(c => new { c.Id, c.FirstName, c.LastName })
            .FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            throw new DuplicateEmailException(existing.Id, $"{existing.FirstName} {existing.LastName}");
        }
    }

    private static async Task SaveAsync(DirectoryDbContext db, string? emailKey, int id, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException && emailKey is not null)
        {
            // Perhaps another save took the same email between our check and our commit (the unique
            // index refused it): say so. Any other failure goes up as it was.
            db.ChangeTracker.Clear();
            await EnsureEmailFreeAsync(db, emailKey, exceptId: id == 0 ? null : id, ct);
            throw;
        }
    }

    private static ConcurrencyConflictException Conflict() =>
        new("Someone else saved this profile after you opened it. Reload to see their changes; your edits are still in the form.");
}
