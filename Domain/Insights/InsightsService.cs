using System.Globalization;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Insights;

/// <summary>
/// The insights page: customers ranked by what they did within a period, and the charts (new and returning customers
/// per week, group sizes over time, visits by weekday and hour). Everything is aggregated in SQL over the activity
/// rows and the membership ledger; periods are on the merchant's clock (<see cref="InsightPeriods"/>).
/// </summary>
/// <remarks>
/// Everything needs <see cref="Permission.ViewInsights"/>; rankings by orders or money also need
/// <see cref="Permission.ViewFinancials"/>, and what a person may not see (emails, order figures) is left out of what
/// comes back. Ties in a ranking are broken by the customer's id (the earlier profile first), so the order is stable.
/// </remarks>
public sealed class InsightsService(IDbContextFactory<DirectoryDbContext> dbFactory, MerchantOptions merchant, TimeProvider clock, StaffAccess access)
{
    public const int MaxTop = 100;
    public const int MaxWeeks = 52;
    public const int MaxGroups = 8;

    /// <summary>
    /// A period holding more than this share of a table's rows is read by a full scan in customer order rather than
    /// through the date index (see <see cref="DirectoryDbFunctions.Likely"/>): measured at 6.6 million visits, the scan
    /// costs ~1.5 s whatever the period, the range ~1.2 µs a row, so they cross near a sixth of the table.
    /// </summary>
    private const int WideShareDivisor = 6;

    /// <summary>Below this many rows the choice does not matter; the tests lower it to exercise both plans.</summary>
    internal int WideScanMinRows { get; init; } = 50_000;

    public static bool IsFinancial(RankingMetric metric) => metric != RankingMetric.VisitCount;

    public static string Describe(RankingMetric metric) => metric switch
    {
        RankingMetric.VisitCount => "visits",
        RankingMetric.PurchaseCount => "purchases",
        RankingMetric.AverageOrderValue => "average order value",
        RankingMetric.TotalSpent => "total spent",
        _ => metric.ToString(),
    };

    /// <summary>The days and instants a period covers now (for the page to show before and while it loads).</summary>
    public async Task<InsightPeriod> PeriodAsync(PeriodKind kind, DateOnly? from, DateOnly? to, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewInsights, ct);
        return InsightPeriods.Resolve(kind, from, to, clock.GetUtcNow().UtcDateTime, merchant.TimeZone);
    }

    /// <summary>The top customers by <see cref="RankingQuery.Metric"/> within the period, with their figures for it.</summary>
    public async Task<Ranking> RankAsync(RankingQuery query, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewInsights, ct);
        ArgumentNullException.ThrowIfNull(query);
        if (IsFinancial(query.Metric))
        {
            await access.RequireAsync(Permission.ViewFinancials, ct);
        }

        if (query.Top is < 1 or > MaxTop)
        {
            throw new DomainException($"Show between 1 and {MaxTop} customers.", "Top");
        }

        var fields = await access.FieldsAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var period = InsightPeriods.Resolve(query.Period, query.From, query.To, now, merchant.TimeZone);
        var (from, to) = (period.FromUtc, period.ToUtc);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        List<int> ids;
        if (query.Metric == RankingMetric.VisitCount)
        {
            var visits = await IsWideAsync(db.Visits, VisitsIn(db, from, to), ct)
                ? db.Visits.Where(v => DirectoryDbFunctions.Likely(v.VisitedAt >= from) && DirectoryDbFunctions.Likely(v.VisitedAt < to))
                : VisitsIn(db, from, to);
            ids = await visits.GroupBy(v => v.CustomerId)
                .Select(g => new { Id = g.Key, Value = g.Count() })
                .OrderByDescending(x => x.Value).ThenBy(x => x.Id).Take(query.Top).Select(x => x.Id).ToListAsync(ct);
        }
        else
        {
            var orders = await IsWideAsync(db.Orders, OrdersIn(db, from, to), ct)
                ? db.Orders.Where(o => DirectoryDbFunctions.Likely(o.OrderedAt >= from) && DirectoryDbFunctions.Likely(o.OrderedAt < to))
                : OrdersIn(db, from, to);
            var perCustomer = orders.GroupBy(o => o.CustomerId);
            var ranked = query.Metric switch
            {
                RankingMetric.PurchaseCount => perCustomer.Select(g => new { Id = g.Key, Value = (double)g.Count() }),
                RankingMetric.TotalSpent => perCustomer.Select(g => new { Id = g.Key, Value = (double)g.Sum(o => o.AmountMinor) }),
                RankingMetric.AverageOrderValue => perCustomer.Select(g => new { Id = g.Key, Value = (double)g.Sum(o => o.AmountMinor) / g.Count() }),
                _ => throw new DomainException("Choose what to rank customers by."),
            };
            ids = await ranked.OrderByDescending(x => x.Value).ThenBy(x => x.Id).Take(query.Top).Select(x => x.Id).ToListAsync(ct);
        }

        var people = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email }).ToDictionaryAsync(c => c.Id, ct);
        var visitCounts = await VisitsIn(db, from, to).Where(v => ids.Contains(v.CustomerId))
            .GroupBy(v => v.CustomerId).Select(g => new { Id = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Id, x => x.Count, ct);
        var orderFigures = fields.Financials
            ? await OrdersIn(db, from, to).Where(o => ids.Contains(o.CustomerId))
                .GroupBy(o => o.CustomerId).Select(g => new { Id = g.Key, Count = g.Count(), Sum = g.Sum(o => o.AmountMinor) })
                .ToDictionaryAsync(x => x.Id, x => (x.Count, x.Sum), ct)
            : [];

        var rows = new List<RankingRow>(ids.Count);
        foreach (var id in ids)
        {
            if (!people.TryGetValue(id, out var person))
            {
                continue; // deleted between the two reads
            }

            var (orders, spent) = orderFigures.GetValueOrDefault(id);
            rows.Add(new RankingRow(rows.Count + 1, id, person.FirstName, person.LastName, fields.Contact ? person.Email : null,
                visitCounts.GetValueOrDefault(id), orders, spent, orders > 0 ? (long)Math.Round((double)spent / orders, MidpointRounding.AwayFromZero) : null));
        }

        return new Ranking(query.Metric, period, query.Top, rows, fields.Financials, now);
    }

    /// <summary>
    /// The last <paramref name="weeks"/> weeks, the current one (so far) included: how many people came each week, and
    /// how many of them came for the first time ever. Orders count as coming only for people who may see financials.
    /// </summary>
    public async Task<NewVsReturning> NewVsReturningAsync(int weeks, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewInsights, ct);
        CheckWeeks(weeks);
        var withOrders = (await access.FieldsAsync(ct)).Financials;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var result = new List<WeekActivity>(weeks);
        foreach (var (monday, from, to) in Weeks(weeks))
        {
            var visitors = db.Visits.Where(v => v.VisitedAt >= from && v.VisitedAt < to).Select(v => v.CustomerId);
            int active, first;
            if (withOrders)
            {
                active = await visitors.Union(db.Orders.Where(o => o.OrderedAt >= from && o.OrderedAt < to).Select(o => o.CustomerId)).CountAsync(ct);

                // First activity = the earlier of the first visit and the first order: in this week either because the
                // first visit is (and no order came before the week), or the first order is (and no visit before the week ended).
                first = await db.Customers.CountAsync(c => c.FirstVisitAt >= from && c.FirstVisitAt < to && (c.FirstOrderAt == null || c.FirstOrderAt >= from), ct)
                    + await db.Customers.CountAsync(c => c.FirstOrderAt >= from && c.FirstOrderAt < to && (c.FirstVisitAt == null || c.FirstVisitAt >= to), ct);
            }
            else
            {
                active = await visitors.Distinct().CountAsync(ct);
                first = await db.Customers.CountAsync(c => c.FirstVisitAt >= from && c.FirstVisitAt < to, ct);
            }

            result.Add(new WeekActivity(monday, Math.Min(first, active), Math.Max(0, active - first)));
        }

        return new NewVsReturning(result, withOrders, true);
    }

    /// <summary>
    /// The size of each group at the end of each of the last <paramref name="weeks"/> weeks (the current week: now), from
    /// the membership ledger: a person counts when they entered before that moment and had not left by it.
    /// </summary>
    public async Task<IReadOnlyList<GroupSizeSeries>> GroupSizesAsync(IReadOnlyCollection<int> groupIds, int weeks, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewInsights, ct);
        ArgumentNullException.ThrowIfNull(groupIds);
        CheckWeeks(weeks);
        var wanted = groupIds.Distinct().ToList();
        if (wanted.Count > MaxGroups)
        {
            throw new DomainException($"Compare at most {MaxGroups} groups at once.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var names = await db.Groups.AsNoTracking().Where(g => wanted.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        if (names.Count < wanted.Count)
        {
            throw new NotFoundException("One of these groups does not exist any more (it may have been deleted).");
        }

        var spans = Weeks(weeks);
        var result = new List<GroupSizeSeries>(wanted.Count);
        foreach (var id in wanted)
        {
            // Size at E = open stays now − stays entered at or after E + stays left at or after E: each term is a range
            // on an index of the ledger, short for recent weeks, rather than a count of every stay of the group.
            var open = await db.GroupMembers.CountAsync(m => m.GroupId == id && m.LeftAt == null, ct);
            var points = new List<GroupSizePoint>(spans.Count);
            foreach (var (monday, _, end) in spans)
            {
                var enteredSince = await db.GroupMembers.CountAsync(m => m.GroupId == id && m.EnteredAt >= end, ct);
                var leftSince = await db.GroupMembers.CountAsync(m => m.GroupId == id && m.LeftAt >= end, ct);
                points.Add(new GroupSizePoint(monday, open - enteredSince + leftSince));
            }

            result.Add(new GroupSizeSeries(id, names[id], points));
        }

        return result;
    }

    /// <summary>The period's visits by weekday and hour of the merchant's clock.</summary>
    public async Task<VisitPattern> VisitPatternAsync(PeriodKind kind, DateOnly? from, DateOnly? to, CancellationToken ct = default)
    {
        await access.RequireAsync(Permission.ViewInsights, ct);
        var period = InsightPeriods.Resolve(kind, from, to, clock.GetUtcNow().UtcDateTime, merchant.TimeZone);
        var (start, end) = (period.FromUtc, period.ToUtc);
        var zone = merchant.TimeZone;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var visits = VisitsIn(db, start, end);

        // Each visit's minute, as stored (text), read in index order: a minute is placed on the local clock once, and the
        // visits of the same minute follow it. Grouping in SQL instead sorts every row (SQLite groups by sorting):
        // measured at a million profiles, 42 s for a quarter's 2.2 million visits on a loaded machine.
        var byWeekday = new int[7];
        var byHour = new int[24];
        string? lastMinute = null;
        var (weekday, hour) = (0, 0);
        await foreach (var minute in visits.Select(v => DirectoryDbFunctions.StoredTimeText(v.VisitedAt, 1, 16)).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (minute != lastMinute)
            {
                var utc = DateTime.ParseExact(minute, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
                (weekday, hour, lastMinute) = (((int)local.DayOfWeek + 6) % 7, local.Hour, minute);
            }

            byWeekday[weekday]++;
            byHour[hour]++;
        }

        return new VisitPattern(period, byWeekday, byHour);
    }

    private static IQueryable<Visit> VisitsIn(DirectoryDbContext db, DateTime from, DateTime to) =>
        db.Visits.AsNoTracking().Where(v => v.VisitedAt >= from && v.VisitedAt < to);

    private static IQueryable<Order> OrdersIn(DirectoryDbContext db, DateTime from, DateTime to) =>
        db.Orders.AsNoTracking().Where(o => o.OrderedAt >= from && o.OrderedAt < to);

    /// <summary>Whether the period holds so much of the table that a full scan beats the date index.</summary>
    private async Task<bool> IsWideAsync<T>(IQueryable<T> table, IQueryable<T> inPeriod, CancellationToken ct)
        where T : class
    {
        // Ids are never reused in practice, so the highest is a free upper bound of the row count.
        var rows = await table.Select(r => EF.Property<int?>(r, "Id")).MaxAsync(ct) ?? 0;
        var cap = rows / WideShareDivisor;
        return cap >= WideScanMinRows && cap > 0 && await inPeriod.Take(cap).CountAsync(ct) >= cap;
    }

    private static void CheckWeeks(int weeks)
    {
        if (weeks is < 1 or > MaxWeeks)
        {
            throw new DomainException($"Show between 1 and {MaxWeeks} weeks.");
        }
    }

    /// <summary>The last <paramref name="count"/> weeks, oldest first, as their Monday and UTC span (the current one ends now).</summary>
    private List<(DateOnly Monday, DateTime From, DateTime To)> Weeks(int count)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var zone = merchant.TimeZone;
        var thisMonday = InsightPeriods.WeekStart(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone)));
        var weeks = new List<(DateOnly, DateTime, DateTime)>(count);
        for (var i = count - 1; i >= 0; i--)
        {
            var monday = thisMonday.AddDays(-7 * i);
            weeks.Add((monday, InsightPeriods.StartOfDayUtc(monday, zone), i == 0 ? now : InsightPeriods.StartOfDayUtc(monday.AddDays(7), zone)));
        }

        return weeks;
    }
}
