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

        for (var round = 0; round < 40; round++)
        {
            // A burst of concurrent operations, as several tills and the back office would produce.
            var burst = Enumerable.Range(0, random.Next(1, 8)).Select(_ => NextOperation(random, activity, customers, now)).ToList();
            await Task.WhenAll(burst.Select(op => Task.Run(op)));
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
            Assert.Equal(v.Count, c.VisitCount);
            Assert.Equal(v.Count == 0 ? null : v.Min(x => x.VisitedAt), c.FirstVisitAt);
            Assert.Equal(v.Count == 0 ? null : v.Max(x => x.VisitedAt), c.LastVisitAt);
            Assert.Equal(o.Count, c.OrderCount);
            Assert.Equal(o.Sum(x => x.AmountMinor), c.TotalSpentMinor);
            Assert.Equal(o.Count == 0 ? null : o.Min(x => x.OrderedAt), c.FirstOrderAt);
            Assert.Equal(o.Count == 0 ? null : o.Max(x => x.OrderedAt), c.LastOrderAt);
            var d = donations.Where(x => x.CustomerId == id).ToList();
            Assert.Equal(d.Count, c.DonationCount);
            Assert.Equal(d.Sum(x => x.AmountMinor), c.DonationTotalMinor);
            Assert.Equal(d.Count == 0 ? null : d.Min(x => x.DonatedAt), c.FirstDonationAt);
            Assert.Equal(d.Count == 0 ? null : d.Max(x => x.DonatedAt), c.LastDonationAt);
            Assert.Equal(memberships.Count(x => x.CustomerId == id && x.Status == MembershipStatus.Active), c.ActiveMembershipCount);
        }
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
