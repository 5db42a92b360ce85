using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Groups;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Groups;

/// <summary>
/// An hour of simulated time with the sweep every 60 s (as Jobs:SweepSeconds sets it): 60 profiles cross "8 weeks since
/// the last visit" at spread-out instants; each must reach Lapsed (and leave Regulars) within one sweep interval.
/// </summary>
public sealed class StalenessTests(ITestOutputHelper output) : DatabaseTest
{
    [Fact]
    public async Task Over_an_hour_of_simulated_time_no_group_is_more_than_one_sweep_stale()
    {
        var groups = Db.Get<GroupService>();
        var engine = Db.Get<GroupEngine>();
        await groups.EnsurePredefinedAsync();
        var all = await groups.ListAsync();
        var (regulars, lapsed) = (all.Single(g => g.Predefined == PredefinedGroup.Regulars).Id, all.Single(g => g.Predefined == PredefinedGroup.Lapsed).Id);

        var start = Db.Clock.GetUtcNow().UtcDateTime;
        var random = new Random(42);
        var crossesAt = new Dictionary<int, DateTime>();
        for (var i = 0; i < 60; i++)
        {
            var id = await Db.Customers.CreateAsync(ACustomer().Build());
            var crossing = start.AddSeconds(random.Next(1, 3600)); // the instant "8 weeks ago" passes their last visit
            var lastVisit = crossing.AddDays(-56);
            for (var v = 0; v < 4; v++)
            {
                await Db.Get<ActivityService>().RecordVisitAsync(id, new VisitInput { At = lastVisit.AddDays(-v) });
            }

            crossesAt[id] = crossing;
        }

        await engine.WhenIdleAsync();
        await engine.EvaluateAllAsync(MembershipCause.Rule, null);
        var seenAt = new Dictionary<int, DateTime>();
        const int sweepSeconds = 60;
        for (var t = 0; t <= 3600 + sweepSeconds; t += sweepSeconds)
        {
            await engine.EvaluateTimeDependentAsync();
            var now = Db.Clock.GetUtcNow().UtcDateTime;
            await using var db = Db.NewContext();
            var inLapsed = await db.GroupMembers.Where(m => m.GroupId == lapsed && m.LeftAt == null).Select(m => m.CustomerId).ToListAsync();
            var inRegulars = (await db.GroupMembers.Where(m => m.GroupId == regulars && m.LeftAt == null).Select(m => m.CustomerId).ToListAsync()).ToHashSet();
            foreach (var id in inLapsed.Where(id => crossesAt.ContainsKey(id) && !seenAt.ContainsKey(id)))
            {
                Assert.DoesNotContain(id, inRegulars); // never in both
                seenAt[id] = now;
            }

            Db.Clock.Advance(TimeSpan.FromSeconds(sweepSeconds));
        }

        Assert.Equal(crossesAt.Count, seenAt.Count);
        var staleness = crossesAt.Select(c => (seenAt[c.Key] - c.Value).TotalSeconds).ToList();
        output.WriteLine($"staleness over 1 h simulated, {staleness.Count} crossings: max {staleness.Max():F0} s, mean {staleness.Average():F0} s");
        Assert.All(staleness, s => Assert.InRange(s, 0, sweepSeconds));
    }
}
