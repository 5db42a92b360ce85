using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Groups;
using Microsoft.EntityFrameworkCore;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Groups;

public sealed class PredefinedGroupTests : DatabaseTest
{
    private GroupService Groups => Db.Get<GroupService>();

    private async Task<int> GroupAsync(PredefinedGroup predefined) => (await Groups.ListAsync()).Single(g => g.Predefined == predefined).Id;

    private async Task<bool> InAsync(int groupId, int customerId)
    {
        await Db.Get<GroupEngine>().WhenIdleAsync();
        await using var db = Db.NewContext();
        return await db.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.CustomerId == customerId && m.LeftAt == null);
    }

    private async Task<int> VisitorAsync(int visits, TimeSpan lastVisitAgo)
    {
        var id = await Db.Customers.CreateAsync(ACustomer().Build());
        var now = Db.Clock.GetUtcNow().UtcDateTime;
        for (var i = visits - 1; i >= 0; i--)
        {
            await Db.Get<ActivityService>().RecordVisitAsync(id, new VisitInput { At = now - lastVisitAgo - TimeSpan.FromDays(i) });
        }

        return id;
    }

    [Fact]
    public async Task Regulars_and_lapsed_meet_exactly_at_eight_weeks_and_need_more_than_three_visits()
    {
        await Groups.EnsurePredefinedAsync();
        var (regulars, lapsed) = (await GroupAsync(PredefinedGroup.Regulars), await GroupAsync(PredefinedGroup.Lapsed));
        var eightWeeks = TimeSpan.FromDays(56);

        var atBoundary = await VisitorAsync(4, eightWeeks);
        var threeVisits = await VisitorAsync(3, TimeSpan.FromDays(1));
        var longGone = await VisitorAsync(3, TimeSpan.FromDays(100));
        Assert.True(await InAsync(regulars, atBoundary), "last visit exactly 8 weeks ago is still within the last 8 weeks");
        Assert.False(await InAsync(lapsed, atBoundary));
        Assert.False(await InAsync(regulars, threeVisits), "exactly 3 visits is not more than 3");
        Assert.False(await InAsync(lapsed, longGone), "exactly 3 visits is not more than 3, lapsed or not");

        // One second later they are lapsed: time alone moves them (here by "update now"; the jobs issue schedules it).
        Db.Clock.Advance(TimeSpan.FromSeconds(1));
        await Groups.UpdateNowAsync(regulars, "test");
        await Groups.UpdateNowAsync(lapsed, "test");
        Assert.False(await InAsync(regulars, atBoundary));
        Assert.True(await InAsync(lapsed, atBoundary));

        // A new visit brings them back.
        await Db.Get<ActivityService>().RecordVisitAsync(atBoundary, new VisitInput());
        Assert.True(await InAsync(regulars, atBoundary));
        Assert.False(await InAsync(lapsed, atBoundary));
    }

    [Fact]
    public async Task The_business_type_sets_the_rules_and_a_reset_is_only_done_when_asked()
    {
        await Groups.EnsurePredefinedAsync();
        var regulars = await GroupAsync(PredefinedGroup.Regulars);
        var sixWeeksAgo = await VisitorAsync(3, TimeSpan.FromDays(45)); // 3 visits, last one 6½ weeks ago
        Assert.False(await InAsync(regulars, sixWeeksAgo));

        // Transport: regular with more than 2 visits, but within 6 weeks; changing the type without reset keeps the rule.
        await Groups.SetBusinessTypeAsync(BusinessType.Transport, resetRules: false, "owner");
        Assert.Equal(BusinessType.Transport, await Groups.GetBusinessTypeAsync());
        Assert.Equal(1, (await Groups.GetAsync(regulars)).RuleVersion);

        var recent = await VisitorAsync(3, TimeSpan.FromDays(20));
        Assert.False(await InAsync(regulars, recent));
        await Groups.SetBusinessTypeAsync(BusinessType.Transport, resetRules: true, "owner");
        var details = await Groups.GetAsync(regulars);
        Assert.Equal(2, details.RuleVersion);
        Assert.Contains("6 weeks", details.Description);
        Assert.True(await InAsync(regulars, recent));
        Assert.False(await InAsync(regulars, sixWeeksAgo));

        await Assert.ThrowsAsync<DomainException>(() => Groups.SetBusinessTypeAsync((BusinessType)42, true, "owner"));
    }

    [Fact]
    public async Task Clock_dependent_groups_are_late_after_ten_minutes_without_a_sweep_the_others_after_a_missed_night()
    {
        await Groups.EnsurePredefinedAsync();
        await Db.Get<GroupEngine>().EvaluateAllAsync(MembershipCause.Rule, null);
        async Task<GroupStatus> StatusAsync(PredefinedGroup g) => (await Groups.GetAsync(await GroupAsync(g))).Status;
        Assert.Equal(GroupStatus.UpToDate, await StatusAsync(PredefinedGroup.Regulars));

        Db.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(GroupStatus.Late, await StatusAsync(PredefinedGroup.Regulars));
        Assert.Equal(GroupStatus.UpToDate, await StatusAsync(PredefinedGroup.EmailSubscribers));

        await Db.Get<GroupEngine>().EvaluateTimeDependentAsync();
        Assert.Equal(GroupStatus.UpToDate, await StatusAsync(PredefinedGroup.Regulars));
        Db.Clock.Advance(TimeSpan.FromHours(25));
        Assert.Equal(GroupStatus.Late, await StatusAsync(PredefinedGroup.EmailSubscribers));
    }

    [Fact]
    public async Task Predefined_groups_are_created_once_and_a_deleted_one_stays_deleted()
    {
        await Groups.EnsurePredefinedAsync();
        Assert.Equal(Enum.GetValues<PredefinedGroup>().Length, (await Groups.ListAsync()).Count);
        await Groups.DeleteAsync(await GroupAsync(PredefinedGroup.AllCustomers));
        await Groups.EnsurePredefinedAsync();
        Assert.DoesNotContain(await Groups.ListAsync(), g => g.Predefined == PredefinedGroup.AllCustomers);
    }

    [Fact]
    public async Task Reward_in_sight_means_points_at_ninety_percent_of_the_threshold()
    {
        await Groups.EnsurePredefinedAsync();
        var group = await GroupAsync(PredefinedGroup.RewardInSight);
        var loyalty = Db.Get<LoyaltyService>();
        var close = await Db.Customers.CreateAsync(ACustomer().Build());
        var far = await Db.Customers.CreateAsync(ACustomer().Build());
        await loyalty.EnrollAsync(close, 100);
        await loyalty.EnrollAsync(far, 100);
        await loyalty.AdjustPointsAsync(close, 90);
        await loyalty.AdjustPointsAsync(far, 89);
        Assert.True(await InAsync(group, close));
        Assert.False(await InAsync(group, far));
    }
}
