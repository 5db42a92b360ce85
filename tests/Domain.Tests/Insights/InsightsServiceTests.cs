using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Data;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Insights;
using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Tests.Insights;

/// <summary>
/// Rankings and charts against a plain C# oracle over generated visits and orders (fixed seed, fixed clock, a Paris
/// merchant), through both query plans.
/// </summary>
public sealed class InsightsServiceTests : DatabaseTest
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly long[] Amounts = [1_000, 2_000, 3_000, 4_550];

    private readonly List<(int Customer, DateTime At)> _visits = [];
    private readonly List<(int Customer, DateTime At, long Minor)> _orders = [];
    private readonly List<int> _customers = [];

    /// <param name="wideScanMinRows">0 lets every period that holds a sixth of a table take the full-scan plan.</param>
    private InsightsService Service(int wideScanMinRows = 50_000) =>
        new(Db.Get<IDbContextFactory<DirectoryDbContext>>(), new MerchantOptions("EUR", Paris), Db.Clock, Db.Get<StaffAccess>()) { WideScanMinRows = wideScanMinRows };

    private DateTime Now => Db.Clock.GetUtcNow().UtcDateTime;

    /// <summary>30 people with up to 12 visits and 8 orders each over the last 450 days; one only visits, one does nothing.</summary>
    private async Task GenerateAsync(int seed = 20261122)
    {
        var random = new Random(seed);
        for (var i = 0; i < 30; i++)
        {
            _customers.Add(await Db.AddAsync(CustomerBuilder.ACustomer().Named($"P{i}", "Oracle")));
        }

        DateTime RandomTime() => Now.AddSeconds(-random.NextDouble() * 450 * 86_400);
        foreach (var (customer, index) in _customers.Select((c, i) => (c, i)))
        {
            var visits = index == 29 ? 0 : random.Next(0, 13);
            var orders = index is 28 or 29 ? 0 : random.Next(0, 9);
            for (var v = 0; v < visits; v++)
            {
                _visits.Add((customer, RandomTime()));
            }

            for (var o = 0; o < orders; o++)
            {
                _orders.Add((customer, RandomTime(), Amounts[random.Next(Amounts.Length)]));
            }
        }

        // On the boundaries of last month: the first instant is in, the end instant is not.
        var lastMonth = InsightPeriods.Resolve(PeriodKind.LastMonth, null, null, Now, Paris);
        _visits.Add((_customers[0], lastMonth.FromUtc));
        _visits.Add((_customers[1], lastMonth.ToUtc));
        _orders.Add((_customers[2], lastMonth.FromUtc, 9_999));
        _orders.Add((_customers[3], lastMonth.ToUtc, 99_999));
        _orders.Add((_customers[3], lastMonth.FromUtc.AddTicks(-10), 88_888));
        await SaveAsync();
    }

    private async Task SaveAsync()
    {
        await using var db = Db.NewContext();
        db.Visits.AddRange(_visits.Select(v => Visit.Create(v.Customer, v.At, null, Now)));
        db.Orders.AddRange(_orders.Select(o => Order.Create(o.Customer, o.At, o.Minor, "EUR", OrderKind.OneOff, Now)));
        await db.SaveChangesAsync();
        foreach (var customer in _customers)
        {
            await ActivityService.RefreshVisitAggregatesAsync(db, customer, default);
            await ActivityService.RefreshOrderAggregatesAsync(db, customer, default);
        }
    }

    private List<(int Id, double Value)> Oracle(RankingMetric metric, DateTime from, DateTime to)
    {
        var orders = _orders.Where(o => o.At >= from && o.At < to).GroupBy(o => o.Customer);
        IEnumerable<(int, double)> values = metric switch
        {
            RankingMetric.VisitCount => _visits.Where(v => v.At >= from && v.At < to).GroupBy(v => v.Customer).Select(g => (g.Key, (double)g.Count())),
            RankingMetric.PurchaseCount => orders.Select(g => (g.Key, (double)g.Count())),
            RankingMetric.TotalSpent => orders.Select(g => (g.Key, (double)g.Sum(o => o.Minor))),
            _ => orders.Select(g => (g.Key, (double)g.Sum(o => o.Minor) / g.Count())),
        };
        return [.. values.OrderByDescending(v => v.Item2).ThenBy(v => v.Item1)];
    }

    public static TheoryData<PeriodKind> Periods => [PeriodKind.LastWeek, PeriodKind.LastMonth, PeriodKind.LastQuarter, PeriodKind.QuarterToDate, PeriodKind.LastYear, PeriodKind.YearToDate, PeriodKind.Custom];

    [Theory]
    [MemberData(nameof(Periods))]
    public async Task RankAsync_EveryMetricOverThePeriod_MatchesTheOracleThroughBothPlans(PeriodKind kind)
    {
        await GenerateAsync();
        var (from, to) = kind == PeriodKind.Custom ? (new DateOnly(2026, 2, 10), new DateOnly(2026, 9, 3)) : ((DateOnly?)null, (DateOnly?)null);
        var ties = 0;

        foreach (var metric in Enum.GetValues<RankingMetric>())
        {
            foreach (var plan in new[] { 50_000, 0 })
            {
                var ranking = await Service(plan).RankAsync(new RankingQuery(metric, kind, from, to, Top: 10));

                var expected = Oracle(metric, ranking.Period.FromUtc, ranking.Period.ToUtc);
                Assert.Equal(expected.Take(10).Select(e => e.Id), ranking.Rows.Select(r => r.CustomerId));
                Assert.Equal(Enumerable.Range(1, ranking.Rows.Count), ranking.Rows.Select(r => r.Rank));
                foreach (var row in ranking.Rows)
                {
                    var visits = _visits.Count(v => v.Customer == row.CustomerId && v.At >= ranking.Period.FromUtc && v.At < ranking.Period.ToUtc);
                    var orders = _orders.Where(o => o.Customer == row.CustomerId && o.At >= ranking.Period.FromUtc && o.At < ranking.Period.ToUtc).ToList();
                    Assert.Equal(visits, row.Visits);
                    Assert.Equal(orders.Count, row.Orders);
                    Assert.Equal(orders.Sum(o => o.Minor), row.SpentMinor);
                    Assert.Equal(orders.Count == 0 ? null : (long)Math.Round((double)orders.Sum(o => o.Minor) / orders.Count, MidpointRounding.AwayFromZero), row.AverageOrderMinor);
                }

                ties += expected.Take(10).Zip(expected.Skip(1).Take(9)).Count(p => p.First.Value == p.Second.Value);
            }
        }

        Assert.True(ties > 0 || kind == PeriodKind.LastWeek, "no ties in the generated data: the tie-break is not tested");
    }

    [Fact]
    public async Task RankAsync_LastMonthBoundaries_CountTheFirstInstantAndNotTheEnd()
    {
        await GenerateAsync();
        var lastMonth = InsightPeriods.Resolve(PeriodKind.LastMonth, null, null, Now, Paris);

        var spent = await Service().RankAsync(new RankingQuery(RankingMetric.TotalSpent, PeriodKind.LastMonth, Top: 100));

        // 99,999 at the end instant and 88,888 just before the start belong to other months.
        Assert.DoesNotContain(spent.Rows, r => r.SpentMinor >= 88_888);
        Assert.Contains(spent.Rows, r => r.CustomerId == _customers[2] && r.SpentMinor >= 9_999);
        Assert.Equal(_visits.Count(v => v.Customer == _customers[1] && v.At >= lastMonth.FromUtc && v.At < lastMonth.ToUtc),
            (await Service().RankAsync(new RankingQuery(RankingMetric.VisitCount, PeriodKind.LastMonth, Top: 100))).Rows.SingleOrDefault(r => r.CustomerId == _customers[1])?.Visits ?? 0);
    }

    [Fact]
    public async Task RankAsync_AverageOrderValue_LeavesOutPeopleWithNoOrderAndAnEmptyPeriodRanksNobody()
    {
        var visitor = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Only", "Visits"));
        _customers.Add(visitor);
        _visits.Add((visitor, Now.AddDays(-3)));
        await SaveAsync();

        var aov = await Service().RankAsync(new RankingQuery(RankingMetric.AverageOrderValue, PeriodKind.YearToDate));
        var visits = await Service().RankAsync(new RankingQuery(RankingMetric.VisitCount, PeriodKind.YearToDate));

        Assert.Empty(aov.Rows);
        Assert.Equal([visitor], visits.Rows.Select(r => r.CustomerId));
        Assert.Null(visits.Rows[0].AverageOrderMinor);
        Assert.Equal("Top 25 by average order value, year to date", aov.Title);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task RankAsync_TopOutOfRange_IsRefused(int top)
    {
        var e = await Assert.ThrowsAsync<DomainException>(() => Service().RankAsync(new RankingQuery(RankingMetric.VisitCount, PeriodKind.LastWeek, Top: top)));

        Assert.Equal("Show between 1 and 100 customers.", e.Message);
    }

    [Fact]
    public async Task RankAsync_WithoutFinancials_RefusesMoneyRankingsAndMasksTheFigures()
    {
        await GenerateAsync();
        var marketer = await Db.StaffWithRoleAsync("Insights only", new HashSet<Permission> { Permission.ViewProfiles, Permission.ViewInsights });
        using var _ = StaffAccess.As(marketer);

        foreach (var metric in new[] { RankingMetric.PurchaseCount, RankingMetric.AverageOrderValue, RankingMetric.TotalSpent })
        {
            await Assert.ThrowsAsync<ForbiddenException>(() => Service().RankAsync(new RankingQuery(metric, PeriodKind.YearToDate)));
        }

        var visits = await Service().RankAsync(new RankingQuery(RankingMetric.VisitCount, PeriodKind.YearToDate));
        Assert.NotEmpty(visits.Rows);
        Assert.False(visits.FinancialsShown);
        Assert.All(visits.Rows, r => Assert.True(r is { Orders: 0, SpentMinor: 0, AverageOrderMinor: null, Email: null }));
        Assert.False((await Service().NewVsReturningAsync(4)).CountsOrders);
    }

    [Fact]
    public async Task RankAsync_WithoutInsights_IsRefused()
    {
        var desk = await Db.StaffWithRoleAsync(StaffRoles.FrontDesk, DefaultRoles.Sets[StaffRoles.FrontDesk]);
        using var _ = StaffAccess.As(desk);

        await Assert.ThrowsAsync<ForbiddenException>(() => Service().RankAsync(new RankingQuery(RankingMetric.VisitCount, PeriodKind.LastWeek)));
        await Assert.ThrowsAsync<ForbiddenException>(() => Service().VisitPatternAsync(PeriodKind.LastWeek, null, null));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NewVsReturningAsync_EachWeek_MatchesTheOracle(bool financials)
    {
        await GenerateAsync(seed: 7);
        var permissions = new HashSet<Permission> { Permission.ViewProfiles, Permission.ViewInsights };
        if (financials)
        {
            permissions.Add(Permission.ViewFinancials);
        }

        using var _ = StaffAccess.As(await Db.StaffWithRoleAsync(financials ? "With money" : "Without money", permissions));

        var result = await Service().NewVsReturningAsync(30);

        var thisMonday = InsightPeriods.WeekStart(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(Now, Paris)));
        var events = _visits.Select(v => (v.Customer, v.At)).Concat(financials ? _orders.Select(o => (o.Customer, o.At)) : []).ToList();
        var firsts = events.GroupBy(e => e.Customer).ToDictionary(g => g.Key, g => g.Min(e => e.At));
        Assert.Equal(30, result.Weeks.Count);
        Assert.Equal(financials, result.CountsOrders);
        for (var i = 0; i < 30; i++)
        {
            var monday = thisMonday.AddDays(-7 * (29 - i));
            var from = InsightPeriods.StartOfDayUtc(monday, Paris);
            var to = i == 29 ? Now : InsightPeriods.StartOfDayUtc(monday.AddDays(7), Paris);
            var active = events.Where(e => e.At >= from && e.At < to).Select(e => e.Customer).Distinct().ToList();
            var fresh = active.Count(c => firsts[c] >= from);
            Assert.Equal(new WeekActivity(monday, fresh, active.Count - fresh), result.Weeks[i]);
        }

        Assert.True(result.Weeks.Sum(w => w.New) > 0 && result.Weeks.Sum(w => w.Returning) > 0, "the generated data has no new or no returning week");
    }

    [Fact]
    public async Task GroupSizesAsync_AtEachWeekEnd_MatchesTheLedgerReplayedByHand()
    {
        var end = Now;
        for (var i = 0; i < 12; i++)
        {
            _customers.Add(await Db.AddAsync(CustomerBuilder.ACustomer().Named($"G{i}", "Member")));
        }

        var groups = Db.Get<GroupService>();
        Db.Clock.Now = end.AddDays(-70);
        var group = await groups.CreateAsync(new GroupInput("Weekly regulars", null, GroupKind.Manual), "test");
        var other = await groups.CreateAsync(new GroupInput("Empty", null, GroupKind.Manual), "test");
        var random = new Random(3);
        var members = new HashSet<int>();
        var history = new List<(DateTime At, int Size)>();
        while (Db.Clock.GetUtcNow().UtcDateTime < end.AddHours(-30))
        {
            var who = _customers[random.Next(_customers.Count)];
            if (members.Add(who))
            {
                await groups.AddMembersAsync(group, [who], "test");
            }
            else
            {
                members.Remove(who);
                await groups.RemoveMembersAsync(group, [who], "test");
            }

            history.Add((Db.Clock.GetUtcNow().UtcDateTime, members.Count));
            Db.Clock.Advance(TimeSpan.FromHours(random.Next(5, 40)));
        }

        Db.Clock.Now = end;

        var series = await Service().GroupSizesAsync([group, other], 12);

        var thisMonday = InsightPeriods.WeekStart(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(end, Paris)));
        var expected = Enumerable.Range(0, 12).Select(i =>
        {
            var monday = thisMonday.AddDays(-7 * (11 - i));
            var at = i == 11 ? end : InsightPeriods.StartOfDayUtc(monday.AddDays(7), Paris);
            return new GroupSizePoint(monday, history.LastOrDefault(h => h.At < at).Size);
        }).ToList();
        Assert.Equal(["Weekly regulars", "Empty"], series.Select(s => s.Name));
        Assert.Equal(expected, series[0].Points);
        Assert.All(series[1].Points, p => Assert.Equal(0, p.Size));
        Assert.True(expected.Select(p => p.Size).Distinct().Count() > 3, "the group hardly changed: the test proves little");
        await Assert.ThrowsAsync<NotFoundException>(() => Service().GroupSizesAsync([group, 4242], 12));
    }

    [Fact]
    public async Task VisitPatternAsync_ByLocalWeekdayAndHour_MatchesTheOracle()
    {
        await GenerateAsync(seed: 11);

        var pattern = await Service().VisitPatternAsync(PeriodKind.LastYear, null, null);

        var inPeriod = _visits.Where(v => v.At >= pattern.Period.FromUtc && v.At < pattern.Period.ToUtc)
            .Select(v => TimeZoneInfo.ConvertTimeFromUtc(v.At, Paris)).ToList();
        Assert.Equal(Enumerable.Range(0, 7).Select(d => inPeriod.Count(l => ((int)l.DayOfWeek + 6) % 7 == d)), pattern.ByWeekday);
        Assert.Equal(Enumerable.Range(0, 24).Select(h => inPeriod.Count(l => l.Hour == h)), pattern.ByHour);
        Assert.True(pattern.Total > 20);
    }

    [Fact]
    public async Task VisitPatternAsync_InAZoneWithHalfHourOffsets_PlacesVisitsOnTheLocalHour()
    {
        var customer = await Db.AddAsync(CustomerBuilder.ACustomer());
        _customers.Add(customer);

        // 03:40 UTC is 09:10 in Kolkata (UTC+5:30); 03:20 UTC is 08:50.
        _visits.Add((customer, new DateTime(2026, 11, 18, 3, 40, 0, DateTimeKind.Utc)));
        _visits.Add((customer, new DateTime(2026, 11, 18, 3, 20, 0, DateTimeKind.Utc)));
        await SaveAsync();
        var kolkata = new InsightsService(Db.Get<IDbContextFactory<DirectoryDbContext>>(), new MerchantOptions("INR", TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata")), Db.Clock, Db.Get<StaffAccess>());

        var pattern = await kolkata.VisitPatternAsync(PeriodKind.QuarterToDate, null, null);

        Assert.Equal(1, pattern.ByHour[8]);
        Assert.Equal(1, pattern.ByHour[9]);
        Assert.Equal(2, pattern.ByWeekday[2]); // Wednesday
    }
}
