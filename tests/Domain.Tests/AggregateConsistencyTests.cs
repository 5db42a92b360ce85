using CustomerDirectory.Domain.Activity;
using Microsoft.EntityFrameworkCore;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

/// <summary>
/// The stored aggregates must always equal what the activity rows say. Random records and deletes, some of them
/// concurrent, then a recount from the rows compared with what each profile holds.
/// </summary>
public sealed class AggregateConsistencyTests : DatabaseTest
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AfterRandomOperations_StoredAggregatesEqualARecountFromTheRows(int seed)
    {
        var random = new Random(seed);
        var activity = Db.Get<ActivityService>();
        var now = Db.Clock.Now.UtcDateTime;
        var customers = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            customers.Add(await Db.AddAsync(ACustomer()));
        }

        // Half of them come with history from before Directory (as an import gives it), set before and during the run.
        await SetPriorAsync(customers[0], new PriorActivity(12, now.AddYears(-2), 5, 30_000, now.AddDays(-3), 2, 5_000, now.AddYears(-3)));
        await SetPriorAsync(customers[1], new PriorActivity(Visits: 3, LastVisitAt: now.AddMinutes(-1)));

        for (var round = 0; round < 40; round++)
        {
            // A burst of concurrent operations, as several tills and the back office would produce.
            var burst = Enumerable.Range(0, random.Next(1, 8)).Select(_ => NextOperation(random, activity, customers, now)).ToList();
            await Task.WhenAll(burst.Select(op => Task.Run(op)));
            if (round == 20)
            {
                await SetPriorAsync(customers[2], new PriorActivity(Orders: 1, SpentMinor: 999, LastOrderAt: now.AddDays(-400), Donations: 4, DonatedMinor: 100));
                await SetPriorAsync(customers[1], PriorActivity.None);
            }
        }

        await using var db = Db.NewContext();
        var stored = await db.Customers.AsNoTracking().ToDictionaryAsync(c => c.Id);
        var visits = await db.Visits.AsNoTracking().ToListAsync();
        var orders = await db.Orders.AsNoTracking().ToListAsync();
        var donations = await db.Donations.AsNoTracking().ToListAsync();
        var memberships = await db.Memberships.AsNoTracking().ToListAsync();
        Assert.True(visits.Count + orders.Count > 20, "the random run should leave some activity to check");
        foreach (var id in customers)
        {
            var v = visits.Where(x => x.CustomerId == id).ToList();
            var o = orders.Where(x => x.CustomerId == id).ToList();
            var c = stored[id];
            var p = c.Prior; // counted in, as the later or earlier of the dates
            Assert.Equal(p.Visits + v.Count, c.VisitCount);
            Assert.Equal(Earliest(p.LastVisitAt, v.Select(x => x.VisitedAt)), c.FirstVisitAt);
            Assert.Equal(Latest(p.LastVisitAt, v.Select(x => x.VisitedAt)), c.LastVisitAt);
            Assert.Equal(p.Orders + o.Count, c.OrderCount);
            Assert.Equal(p.SpentMinor + o.Sum(x => x.AmountMinor), c.TotalSpentMinor);
            Assert.Equal(Earliest(p.LastOrderAt, o.Select(x => x.OrderedAt)), c.FirstOrderAt);
            Assert.Equal(Latest(p.LastOrderAt, o.Select(x => x.OrderedAt)), c.LastOrderAt);
            var d = donations.Where(x => x.CustomerId == id).ToList();
            Assert.Equal(p.Donations + d.Count, c.DonationCount);
            Assert.Equal(p.DonatedMinor + d.Sum(x => x.AmountMinor), c.DonationTotalMinor);
            Assert.Equal(Earliest(p.LastDonationAt, d.Select(x => x.DonatedAt)), c.FirstDonationAt);
            Assert.Equal(Latest(p.LastDonationAt, d.Select(x => x.DonatedAt)), c.LastDonationAt);
            Assert.Equal(memberships.Count(x => x.CustomerId == id && x.Status == MembershipStatus.Active), c.ActiveMembershipCount);
        }
    }

    private static DateTime? Earliest(DateTime? prior, IEnumerable<DateTime> rows) => rows.Select(r => (DateTime?)r).Append(prior).Min();

    private static DateTime? Latest(DateTime? prior, IEnumerable<DateTime> rows) => rows.Select(r => (DateTime?)r).Append(prior).Max();

    /// <summary>Replaces a profile's history from before Directory and recounts its totals, as an import (or its undo) does.</summary>
    private async Task SetPriorAsync(int id, PriorActivity prior)
    {
        await using var db = Db.NewContext();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var customer = await db.Customers.SingleAsync(c => c.Id == id);
        Assert.True(customer.SetPriorActivity(prior));
        await db.SaveChangesAsync();
        await ActivityService.RefreshTotalsAsync(db, [id], default);
        await transaction.CommitAsync();
    }

    private Func<Task> NextOperation(Random random, ActivityService activity, List<int> customers, DateTime now)
    {
        var customer = customers[random.Next(customers.Count)];
        var at = now.AddMinutes(-random.Next(0, 60 * 24 * 365));
        var amount = random.Next(0, 50_000) / 100m;
        return random.Next(12) switch
        {
            < 3 => () => activity.RecordVisitAsync(customer, new VisitInput { At = at }),
            < 6 => () => activity.RecordOrderAsync(customer, new OrderInput { At = at, Amount = amount }),
            6 => () => DeleteSomeAsync(customer, visits: true),
            7 => () => DeleteSomeAsync(customer, visits: false),
            8 => () => activity.RecordDonationAsync(customer, new DonationInput { At = at, Amount = amount + 1 }),
            9 => () => activity.AddMembershipAsync(customer, new MembershipInput { Plan = "Plan", Rate = amount }),
            10 => () => ChangeSomeMembershipAsync(customer),
            _ => () => DeleteSomeDonationAsync(customer),
        };

        async Task ChangeSomeMembershipAsync(int id)
        {
            var memberships = await activity.MembershipsAsync(id);
            if (memberships.Count > 0)
            {
                var target = memberships[Random.Shared.Next(memberships.Count)];
                try
                {
                    await activity.SetMembershipStatusAsync(id, target.Id, (MembershipStatus)Random.Shared.Next(3));
                }
                catch (NotFoundException)
                {
                    // Deleted by a concurrent operation.
                }
            }
        }

        async Task DeleteSomeDonationAsync(int id)
        {
            await using var db = Db.NewContext();
            var ids = await db.Donations.Where(x => x.CustomerId == id).Select(x => x.Id).ToListAsync();
            if (ids.Count > 0)
            {
                try
                {
                    await activity.DeleteDonationAsync(id, ids[Random.Shared.Next(ids.Count)]);
                }
                catch (NotFoundException)
                {
                    // Deleted by a concurrent operation.
                }
            }
        }

        async Task DeleteSomeAsync(int id, bool visits)
        {
            await using var db = Db.NewContext();
            var ids = visits
                ? await db.Visits.Where(x => x.CustomerId == id).Select(x => x.Id).ToListAsync()
                : await db.Orders.Where(x => x.CustomerId == id).Select(x => x.Id).ToListAsync();
            if (ids.Count == 0)
            {
                return;
            }

            var target = ids[Random.Shared.Next(ids.Count)];
            try
            {
                await (visits ? activity.DeleteVisitAsync(id, target) : activity.DeleteOrderAsync(id, target));
            }
            catch (NotFoundException)
            {
                // A concurrent operation in the same burst deleted it first: that is the expected refusal.
            }
        }
    }
}
