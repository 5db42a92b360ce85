using CustomerDirectory.Domain.Changes;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace CustomerDirectory.Domain.Activity;

/// <summary>
/// Records and removes visits and orders. Each change and the profile's aggregates (counts, first/last,
/// total spent) are written in one transaction, the aggregates recomputed from the rows themselves,
/// so they are never off by one, whatever happens concurrently or in between.
/// </summary>
public sealed class ActivityService(IDbContextFactory<DirectoryDbContext> dbFactory, TimeProvider clock, MerchantOptions merchant, ChangeFeed changes, StaffAccess access, Audit.AuditLog audit)
{
    public const int MaxTimelinePage = 200;

    public async Task<int> RecordVisitAsync(int customerId, VisitInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.RecordActivity, ct);
        ArgumentNullException.ThrowIfNull(input);
        var now = clock.GetUtcNow().UtcDateTime;
        var at = input.At ?? now;
        Check(ActivityRules.WhenError("visit", at, now), nameof(VisitInput.At));
        Check(ActivityRules.LocationError(input.Location), nameof(VisitInput.Location));

        var visit = Visit.Create(customerId, at, ContactRules.Clean(input.Location), now);
        await WriteAsync(customerId, Aggregate.Visits, db =>
        {
            db.Visits.Add(visit);
            return Task.CompletedTask;
        }, ct);
        return visit.Id;
    }

    public async Task<int> RecordOrderAsync(int customerId, OrderInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.RecordActivity, ct);
        ArgumentNullException.ThrowIfNull(input);
        var now = clock.GetUtcNow().UtcDateTime;
        var at = input.At ?? now;
        Check(ActivityRules.WhenError("order", at, now), nameof(OrderInput.At));
        Check(ActivityRules.AmountError(input.Amount), nameof(OrderInput.Amount));
        if (!Enum.IsDefined(input.Kind))
        {
            throw new DomainException("Choose one-off or recurring.", nameof(OrderInput.Kind));
        }

        var order = Order.Create(customerId, at, Money.ToMinor(input.Amount!.Value), merchant.Currency, input.Kind, now);
        await WriteAsync(customerId, Aggregate.Orders, db =>
        {
            db.Orders.Add(order);
            return Task.CompletedTask;
        }, ct);
        return order.Id;
    }

    public Task DeleteVisitAsync(int customerId, int visitId, CancellationToken ct = default) =>
        WriteAsync(customerId, Aggregate.Visits, async db =>
        {
            if (await db.Visits.Where(v => v.Id == visitId && v.CustomerId == customerId).ExecuteDeleteAsync(ct) == 0)
            {
                throw new NotFoundException("This visit was already deleted.");
            }

            await Deleted(db, "visit", visitId, customerId, ct);
        }, ct);

    public Task DeleteOrderAsync(int customerId, int orderId, CancellationToken ct = default) =>
        WriteAsync(customerId, Aggregate.Orders, async db =>
        {
            if (await db.Orders.Where(o => o.Id == orderId && o.CustomerId == customerId).ExecuteDeleteAsync(ct) == 0)
            {
                throw new NotFoundException("This order was already deleted.");
            }

            await Deleted(db, "order", orderId, customerId, ct);
        }, ct);

    /// <summary>Visits, orders and donations together, newest first.</summary>
    public async Task<ActivityPage> GetTimelineAsync(int customerId, int skip, int take, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        skip = Math.Max(0, skip);
        take = Math.Clamp(take, 1, MaxTimelinePage);
        var window = skip + take;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // The totals count the history from before Directory too; the timeline lists the rows alone.
        var counts = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { VisitCount = c.VisitCount - c.PriorVisitCount, OrderCount = c.OrderCount - c.PriorOrderCount, DonationCount = c.DonationCount - c.PriorDonationCount })
            .SingleOrDefaultAsync(ct)
            ?? throw NotFoundException.Profile();

        // The newest `window` of each kind, merged: each read is a short walk down its (CustomerId, date) index.
        var visits = await db.Visits.AsNoTracking().Where(v => v.CustomerId == customerId)
            .OrderByDescending(v => v.VisitedAt).ThenByDescending(v => v.Id).Take(window)
            .Select(v => new ActivityEntry(ActivityKind.Visit, v.Id, v.VisitedAt, v.Location, null, null, null))
            .ToListAsync(ct);
        var orders = await db.Orders.AsNoTracking().Where(o => o.CustomerId == customerId)
            .OrderByDescending(o => o.OrderedAt).ThenByDescending(o => o.Id).Take(window)
            .Select(o => new ActivityEntry(ActivityKind.Order, o.Id, o.OrderedAt, null, o.AmountMinor, o.Currency, o.Kind))
            .ToListAsync(ct);
        var donations = await db.Donations.AsNoTracking().Where(d => d.CustomerId == customerId)
            .OrderByDescending(d => d.DonatedAt).ThenByDescending(d => d.Id).Take(window)
            .Select(d => new ActivityEntry(ActivityKind.Donation, d.Id, d.DonatedAt, null, d.AmountMinor, d.Currency, null))
            .ToListAsync(ct);
        if (!(await access.FieldsAsync(ct)).Financials)
        {
            // Orders and donations are money: without financials the timeline is the visits alone.
            (orders, donations) = ([], []);
            counts = counts with { OrderCount = 0, DonationCount = 0 };
        }

        var entries = visits.Concat(orders).Concat(donations)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Kind).ThenByDescending(e => e.Id)
            .Skip(skip).Take(take)
            .ToList();
        return new ActivityPage(entries, counts.VisitCount + counts.OrderCount + counts.DonationCount);
    }

    private enum Aggregate
    {
        Visits,
        Orders,
        Donations,
        Memberships,
    }

    /// <summary>A delete by query bypasses the audit interceptor: its line is written here, in the same transaction.</summary>
    private Task Deleted(DirectoryDbContext db, string record, int id, int customerId, CancellationToken ct) =>
        audit.WriteAsync(db, new Audit.AuditEvent($"{record}.deleted", $"Deleted {record} #{id}", record, id.ToString(System.Globalization.CultureInfo.InvariantCulture), customerId), ct);

    private async Task WriteAsync(int customerId, Aggregate aggregate, Func<DirectoryDbContext, Task> change, CancellationToken ct)
    {
        await access.RequireAsync(Permission.RecordActivity, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // SQLite: an IMMEDIATE transaction, so writers to the same profile queue up and each recount sees the others.
        // (A PostgreSQL port must lock the customer row first, SELECT ... FOR UPDATE, for the same guarantee.)
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.EnsureCustomerExistsAsync(customerId, ct);

        await change(db);
        await db.SaveChangesAsync(ct);
        await (aggregate switch
        {
            Aggregate.Visits => RefreshVisitAggregatesAsync(db, customerId, ct),
            Aggregate.Orders => RefreshOrderAggregatesAsync(db, customerId, ct),
            Aggregate.Donations => RefreshDonationAggregatesAsync(db, customerId, ct),
            _ => RefreshMembershipAggregatesAsync(db, customerId, ct),
        });
        await transaction.CommitAsync(ct);
        changes.Publish(ChangeKind.ActivityChanged, customerId);
    }

    internal static Task<int> RefreshVisitAggregatesAsync(DirectoryDbContext db, int customerId, CancellationToken ct) =>
        db.Customers.Where(c => c.Id == customerId).ExecuteUpdateAsync(s => VisitTotals(s, db), ct);

    internal static Task<int> RefreshOrderAggregatesAsync(DirectoryDbContext db, int customerId, CancellationToken ct) =>
        db.Customers.Where(c => c.Id == customerId).ExecuteUpdateAsync(s => OrderTotals(s, db), ct);

    internal static Task<int> RefreshDonationAggregatesAsync(DirectoryDbContext db, int customerId, CancellationToken ct) =>
        db.Customers.Where(c => c.Id == customerId).ExecuteUpdateAsync(s => DonationTotals(s, db), ct);

    /// <summary>
    /// Recomputes the visit, order and donation totals of these profiles in one statement, after their history from
    /// before Directory changed (<see cref="Customer.SetPriorActivity"/>), in the caller's transaction.
    /// </summary>
    internal static Task<int> RefreshTotalsAsync(DirectoryDbContext db, IReadOnlyCollection<int> customerIds, CancellationToken ct) =>
        customerIds.Count == 0
            ? Task.FromResult(0)
            : db.Customers.Where(c => customerIds.Contains(c.Id)).ExecuteUpdateAsync(s =>
            {
                VisitTotals(s, db);
                OrderTotals(s, db);
                DonationTotals(s, db);
            }, ct);

    // Each total is the rows' plus the history from before Directory: counts and sums add up, the last date is the later
    // of the two and the first the earlier (the prior last visit is the earliest one whose date is known).

    private static void VisitTotals(UpdateSettersBuilder<Customer> s, DirectoryDbContext db) => s
        .SetProperty(c => c.VisitCount, c => c.PriorVisitCount + db.Visits.Count(v => v.CustomerId == c.Id))
        .SetProperty(c => c.FirstVisitAt, c => c.PriorLastVisitAt != null
            && (db.Visits.Where(v => v.CustomerId == c.Id).Min(v => (DateTime?)v.VisitedAt) == null
                || c.PriorLastVisitAt < db.Visits.Where(v => v.CustomerId == c.Id).Min(v => (DateTime?)v.VisitedAt))
            ? c.PriorLastVisitAt : db.Visits.Where(v => v.CustomerId == c.Id).Min(v => (DateTime?)v.VisitedAt))
        .SetProperty(c => c.LastVisitAt, c => c.PriorLastVisitAt != null
            && (db.Visits.Where(v => v.CustomerId == c.Id).Max(v => (DateTime?)v.VisitedAt) == null
                || c.PriorLastVisitAt > db.Visits.Where(v => v.CustomerId == c.Id).Max(v => (DateTime?)v.VisitedAt))
            ? c.PriorLastVisitAt : db.Visits.Where(v => v.CustomerId == c.Id).Max(v => (DateTime?)v.VisitedAt));

    private static void OrderTotals(UpdateSettersBuilder<Customer> s, DirectoryDbContext db) => s
        .SetProperty(c => c.OrderCount, c => c.PriorOrderCount + db.Orders.Count(o => o.CustomerId == c.Id))
        .SetProperty(c => c.TotalSpentMinor, c => c.PriorSpentMinor + db.Orders.Where(o => o.CustomerId == c.Id).Sum(o => o.AmountMinor))
        .SetProperty(c => c.FirstOrderAt, c => c.PriorLastOrderAt != null
            && (db.Orders.Where(o => o.CustomerId == c.Id).Min(o => (DateTime?)o.OrderedAt) == null
                || c.PriorLastOrderAt < db.Orders.Where(o => o.CustomerId == c.Id).Min(o => (DateTime?)o.OrderedAt))
            ? c.PriorLastOrderAt : db.Orders.Where(o => o.CustomerId == c.Id).Min(o => (DateTime?)o.OrderedAt))
        .SetProperty(c => c.LastOrderAt, c => c.PriorLastOrderAt != null
            && (db.Orders.Where(o => o.CustomerId == c.Id).Max(o => (DateTime?)o.OrderedAt) == null
                || c.PriorLastOrderAt > db.Orders.Where(o => o.CustomerId == c.Id).Max(o => (DateTime?)o.OrderedAt))
            ? c.PriorLastOrderAt : db.Orders.Where(o => o.CustomerId == c.Id).Max(o => (DateTime?)o.OrderedAt));

    private static void DonationTotals(UpdateSettersBuilder<Customer> s, DirectoryDbContext db) => s
        .SetProperty(c => c.DonationCount, c => c.PriorDonationCount + db.Donations.Count(d => d.CustomerId == c.Id))
        .SetProperty(c => c.DonationTotalMinor, c => c.PriorDonatedMinor + db.Donations.Where(d => d.CustomerId == c.Id).Sum(d => d.AmountMinor))
        .SetProperty(c => c.FirstDonationAt, c => c.PriorLastDonationAt != null
            && (db.Donations.Where(d => d.CustomerId == c.Id).Min(d => (DateTime?)d.DonatedAt) == null
                || c.PriorLastDonationAt < db.Donations.Where(d => d.CustomerId == c.Id).Min(d => (DateTime?)d.DonatedAt))
            ? c.PriorLastDonationAt : db.Donations.Where(d => d.CustomerId == c.Id).Min(d => (DateTime?)d.DonatedAt))
        .SetProperty(c => c.LastDonationAt, c => c.PriorLastDonationAt != null
            && (db.Donations.Where(d => d.CustomerId == c.Id).Max(d => (DateTime?)d.DonatedAt) == null
                || c.PriorLastDonationAt > db.Donations.Where(d => d.CustomerId == c.Id).Max(d => (DateTime?)d.DonatedAt))
            ? c.PriorLastDonationAt : db.Donations.Where(d => d.CustomerId == c.Id).Max(d => (DateTime?)d.DonatedAt));

    internal static Task<int> RefreshMembershipAggregatesAsync(DirectoryDbContext db, int customerId, CancellationToken ct) =>
        db.Customers.Where(c => c.Id == customerId).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.ActiveMembershipCount, c => db.Memberships.Count(m => m.CustomerId == c.Id && m.Status == MembershipStatus.Active)), ct);

    public async Task<int> RecordDonationAsync(int customerId, DonationInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.RecordActivity, ct);
        ArgumentNullException.ThrowIfNull(input);
        var now = clock.GetUtcNow().UtcDateTime;
        var at = input.At ?? now;
        Check(ActivityRules.WhenError("donation", at, now), nameof(DonationInput.At));
        Check(ActivityRules.AmountError(input.Amount), nameof(DonationInput.Amount));
        if (input.Amount == 0)
        {
            throw new DomainException("A donation must be more than zero.", nameof(DonationInput.Amount));
        }

        var donation = Donation.Create(customerId, at, Money.ToMinor(input.Amount!.Value), merchant.Currency, now);
        await WriteAsync(customerId, Aggregate.Donations, db =>
        {
            db.Donations.Add(donation);
            return Task.CompletedTask;
        }, ct);
        return donation.Id;
    }

    public Task DeleteDonationAsync(int customerId, int donationId, CancellationToken ct = default) =>
        WriteAsync(customerId, Aggregate.Donations, async db =>
        {
            if (await db.Donations.Where(d => d.Id == donationId && d.CustomerId == customerId).ExecuteDeleteAsync(ct) != 0)
            {
                await Deleted(db, "donation", donationId, customerId, ct);
            }
            else
            {
                throw new NotFoundException("This donation was already deleted.");
            }
        }, ct);

    public async Task<IReadOnlyList<MembershipView>> MembershipsAsync(int customerId, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewProfiles, ct);
        var financials = (await access.FieldsAsync(ct)).Financials;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var memberships = await db.Memberships.AsNoTracking().Where(m => m.CustomerId == customerId)
            .OrderBy(m => m.Status).ThenByDescending(m => m.StartedAt)
            .Select(m => new MembershipView(m.Id, m.Plan, m.Status, m.StartedAt, m.Recurring, m.RateMinor, m.Currency))
            .ToListAsync(ct);
        return financials ? memberships : [.. memberships.Select(m => m with { RateMinor = 0 })]; // the rate is money
    }

    public async Task<int> AddMembershipAsync(int customerId, MembershipInput input, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.RecordActivity, ct);
        ArgumentNullException.ThrowIfNull(input);
        var now = clock.GetUtcNow().UtcDateTime;
        var plan = ContactRules.Clean(input.Plan) ?? throw new DomainException("Name the plan.", nameof(MembershipInput.Plan));
        Check(plan.Length > Membership.PlanMaxLength || plan.Any(char.IsControl) ? $"A plan name can be at most {Membership.PlanMaxLength} characters." : null, nameof(MembershipInput.Plan));
        var started = input.StartedAt ?? now;
        Check(ActivityRules.WhenError("membership start", started, now + TimeSpan.FromDays(366)), nameof(MembershipInput.StartedAt));
        Check(ActivityRules.AmountError(input.Rate), nameof(MembershipInput.Rate));

        var membership = Membership.Create(customerId, plan, started, input.Recurring, Money.ToMinor(input.Rate!.Value), merchant.Currency, now);
        await WriteAsync(customerId, Aggregate.Memberships, db =>
        {
            db.Memberships.Add(membership);
            return Task.CompletedTask;
        }, ct);
        return membership.Id;
    }

    public Task SetMembershipStatusAsync(int customerId, int membershipId, MembershipStatus status, CancellationToken ct = default) =>
        WriteAsync(customerId, Aggregate.Memberships, async db =>
        {
            if (!Enum.IsDefined(status))
            {
                throw new DomainException("Unknown membership status.");
            }

            var membership = await db.Memberships.SingleOrDefaultAsync(m => m.Id == membershipId && m.CustomerId == customerId, ct)
                ?? throw new NotFoundException("This membership was deleted.");
            membership.SetStatus(status, clock.GetUtcNow().UtcDateTime);
        }, ct);

    public Task DeleteMembershipAsync(int customerId, int membershipId, CancellationToken ct = default) =>
        WriteAsync(customerId, Aggregate.Memberships, async db =>
        {
            if (await db.Memberships.Where(m => m.Id == membershipId && m.CustomerId == customerId).ExecuteDeleteAsync(ct) != 0)
            {
                await Deleted(db, "membership", membershipId, customerId, ct);
            }
            else
            {
                throw new NotFoundException("This membership was already deleted.");
            }
        }, ct);

    private static void Check(string? error, string field)
    {
        if (error is not null)
        {
            throw new DomainException(error, field);
        }
    }
}
