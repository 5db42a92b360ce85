using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Customers;
using Microsoft.EntityFrameworkCore;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

public sealed class ActivityServiceTests : DatabaseTest
{
    private ActivityService Activity => Db.Get<ActivityService>();

    private DateTime Now => Db.Clock.Now.UtcDateTime;

    [Fact]
    public async Task RecordVisit_UpdatesCountAndFirstAndLast_DefaultingToNow()
    {
        var id = await Db.AddAsync(ACustomer());

        await Activity.RecordVisitAsync(id, new VisitInput { At = Now.AddDays(-10), Location = "Rue de Rivoli" });
        await Activity.RecordVisitAsync(id, new VisitInput());
        await Activity.RecordVisitAsync(id, new VisitInput { At = Now.AddDays(-3) });

        var engagement = (await Db.Customers.GetAsync(id)).Engagement;
        Assert.Equal(3, engagement.VisitCount);
        Assert.Equal(Now.AddDays(-10), engagement.FirstVisitAt);
        Assert.Equal(Now, engagement.LastVisitAt);
    }

    [Fact]
    public async Task RecordOrder_KeepsTotalCountAverageAndDates_InMinorUnits()
    {
        var id = await Db.AddAsync(ACustomer());

        await Activity.RecordOrderAsync(id, new OrderInput { At = Now.AddDays(-30), Amount = 10.10m });
        await Activity.RecordOrderAsync(id, new OrderInput { At = Now.AddDays(-1), Amount = 20.25m, Kind = OrderKind.Recurring });
        await Activity.RecordOrderAsync(id, new OrderInput { Amount = 0m });

        var engagement = (await Db.Customers.GetAsync(id)).Engagement;
        Assert.Equal(3, engagement.OrderCount);
        Assert.Equal(3035, engagement.TotalSpentMinor);
        Assert.Equal(1012, engagement.AverageOrderMinor); // 30.35 / 3 = 10.1166…
        Assert.Equal((Now.AddDays(-30), Now), (engagement.FirstOrderAt!.Value, engagement.LastOrderAt!.Value));
        Assert.Equal("€30.35", Money.Format(engagement.TotalSpentMinor, "EUR"));
    }

    [Theory]
    [InlineData("-5", "The amount cannot be negative.")]
    [InlineData("1000000.01", "The amount can be at most 1,000,000.")]
    [InlineData("9.999", "The amount can have at most two decimals.")]
    public async Task RecordOrder_WithABadAmount_SaysWhyAndRecordsNothing(string amount, string message)
    {
        var id = await Db.AddAsync(ACustomer());

        var e = await Assert.ThrowsAsync<DomainException>(() =>
            Activity.RecordOrderAsync(id, new OrderInput { Amount = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture) }));

        Assert.Equal((message, nameof(OrderInput.Amount)), (e.Message, e.Field));
        Assert.Equal(0, (await Db.Customers.GetAsync(id)).Engagement.OrderCount);
    }

    [Fact]
    public async Task Record_InTheFuture_IsRefusedBeyondAFewMinutes()
    {
        var id = await Db.AddAsync(ACustomer());

        await Activity.RecordVisitAsync(id, new VisitInput { At = Now.AddMinutes(4) }); // a fast clock at the till
        var e = await Assert.ThrowsAsync<DomainException>(() => Activity.RecordVisitAsync(id, new VisitInput { At = Now.AddHours(1) }));
        var old = await Assert.ThrowsAsync<DomainException>(() => Activity.RecordOrderAsync(id, new OrderInput { At = new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc), Amount = 1 }));

        Assert.Equal("The visit date is in the future.", e.Message);
        Assert.Equal("The order date is too far in the past.", old.Message);
        Assert.Equal(1, (await Db.Customers.GetAsync(id)).Engagement.VisitCount);
    }

    [Theory]
    [InlineData("Salon 🌸 Étoile")]
    [InlineData("فرع المدينة")]
    [InlineData("<script>alert(1)</script>")]
    public async Task RecordVisit_KeepsAnyTextVerbatim(string location)
    {
        var id = await Db.AddAsync(ACustomer());

        await Activity.RecordVisitAsync(id, new VisitInput { Location = location });

        Assert.Equal(location, Assert.Single((await Activity.GetTimelineAsync(id, 0, 10)).Entries).Location);
    }

    [Fact]
    public async Task RecordVisit_WithAnOverlongLocation_OrForNobody_IsRefused()
    {
        var id = await Db.AddAsync(ACustomer());

        var tooLong = await Assert.ThrowsAsync<DomainException>(() => Activity.RecordVisitAsync(id, new VisitInput { Location = new string('x', 101) }));
        await Assert.ThrowsAsync<NotFoundException>(() => Activity.RecordVisitAsync(id + 1, new VisitInput()));

        Assert.Equal(nameof(VisitInput.Location), tooLong.Field);
        await using var context = Db.NewContext();
        Assert.Equal(0, await context.Visits.CountAsync());
    }

    [Fact]
    public async Task Delete_TakesTheAggregatesBack_AndOnlyTouchesThatProfile()
    {
        var id = await Db.AddAsync(ACustomer());
        var other = await Db.AddAsync(ACustomer());
        var early = await Activity.RecordVisitAsync(id, new VisitInput { At = Now.AddDays(-5) });
        await Activity.RecordVisitAsync(id, new VisitInput { At = Now.AddDays(-2) });
        var order = await Activity.RecordOrderAsync(id, new OrderInput { Amount = 42m });

        await Activity.DeleteVisitAsync(id, early);
        await Activity.DeleteOrderAsync(id, order);
        await Assert.ThrowsAsync<NotFoundException>(() => Activity.DeleteVisitAsync(id, early));
        await Assert.ThrowsAsync<NotFoundException>(() => Activity.DeleteOrderAsync(other, order));

        var engagement = (await Db.Customers.GetAsync(id)).Engagement;
        Assert.Equal((1, Now.AddDays(-2), Now.AddDays(-2)), (engagement.VisitCount, engagement.FirstVisitAt!.Value, engagement.LastVisitAt!.Value));
        Assert.Equal((0, 0L, (DateTime?)null), (engagement.OrderCount, engagement.TotalSpentMinor, engagement.LastOrderAt));
    }

    [Fact]
    public async Task Timeline_MergesVisitsAndOrders_NewestFirst_InPages()
    {
        var id = await Db.AddAsync(ACustomer());
        for (var day = 1; day <= 6; day++)
        {
            await Activity.RecordVisitAsync(id, new VisitInput { At = Now.AddDays(-2 * day) });
            await Activity.RecordOrderAsync(id, new OrderInput { At = Now.AddDays((-2 * day) + 1), Amount = day });
        }

        var first = await Activity.GetTimelineAsync(id, 0, 5);
        var second = await Activity.GetTimelineAsync(id, 5, 5);

        Assert.Equal(12, first.Total);
        var all = first.Entries.Concat(second.Entries).ToList();
        Assert.Equal(10, all.Count);
        Assert.Equal(all.OrderByDescending(e => e.At).Select(e => e.At), all.Select(e => e.At));
        Assert.Equal([ActivityKind.Order, ActivityKind.Visit, ActivityKind.Order], first.Entries.Take(3).Select(e => e.Kind));
        Assert.Equal(100, first.Entries[0].AmountMinor);
    }

    [Fact]
    public async Task Visits_RecordedAtTheSameTime_AreAllCounted()
    {
        var id = await Db.AddAsync(ACustomer());

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => Activity.RecordVisitAsync(id, new VisitInput { At = Now.AddMinutes(-i) }))));

        Assert.Equal(20, (await Db.Customers.GetAsync(id)).Engagement.VisitCount);
    }

    [Fact]
    public async Task RecordingActivity_DoesNotConflictWithSomeoneEditingTheProfile()
    {
        var id = await Db.AddAsync(ACustomer().Named("Anne", "Petit"));
        var opened = await Db.Customers.GetAsync(id);

        await Activity.RecordVisitAsync(id, new VisitInput());
        var input = opened.ToInput();
        input.LastName = "Grand";
        await Db.Customers.UpdateAsync(id, input, opened.Version);

        var saved = await Db.Customers.GetAsync(id);
        Assert.Equal(("Grand", 1), (saved.LastName, saved.Engagement.VisitCount));
    }

    [Fact]
    public async Task Directory_SortsByTotalSpentAndLastVisit()
    {
        var small = await Db.AddAsync(ACustomer().Named("Small", "Spender"));
        var big = await Db.AddAsync(ACustomer().Named("Big", "Spender"));
        var none = await Db.AddAsync(ACustomer().Named("No", "Orders"));
        await Activity.RecordOrderAsync(small, new OrderInput { Amount = 5 });
        await Activity.RecordOrderAsync(big, new OrderInput { Amount = 500 });
        await Activity.RecordVisitAsync(small, new VisitInput { At = Now.AddDays(-1) });
        await Activity.RecordVisitAsync(none, new VisitInput());

        var bySpend = await Db.Customers.SearchAsync(new CustomerSearch(Sort: CustomerSort.TotalSpent, Descending: true));
        var byVisit = await Db.Customers.SearchAsync(new CustomerSearch(Sort: CustomerSort.LastVisitAt, Descending: true));

        Assert.Equal([big, small, none], bySpend.Rows.Select(r => r.Id));
        Assert.Equal(50000, bySpend.Rows[0].TotalSpentMinor);
        Assert.Equal([none, small, big], byVisit.Rows.Select(r => r.Id));
    }
}
