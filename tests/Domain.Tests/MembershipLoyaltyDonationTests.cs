using CustomerDirectory.Domain.Activity;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

public sealed class MembershipLoyaltyDonationTests : DatabaseTest
{
    private ActivityService Activity => Db.Get<ActivityService>();

    private LoyaltyService Loyalty => Db.Get<LoyaltyService>();

    private DateTime Now => Db.Clock.Now.UtcDateTime;

    [Fact]
    public async Task Donations_KeepCountTotalAndDates_AndShowInTheTimeline()
    {
        var id = await Db.AddAsync(ACustomer());

        await Activity.RecordDonationAsync(id, new DonationInput { At = Now.AddDays(-40), Amount = 20m });
        var last = await Activity.RecordDonationAsync(id, new DonationInput { Amount = 15.5m });
        var zero = await Assert.ThrowsAsync<DomainException>(() => Activity.RecordDonationAsync(id, new DonationInput { Amount = 0m }));

        var engagement = (await Db.Customers.GetAsync(id)).Engagement;
        Assert.Equal((2, 3550L, Now), (engagement.DonationCount, engagement.DonationTotalMinor, engagement.LastDonationAt!.Value));
        Assert.Equal("A donation must be more than zero.", zero.Message);
        var timeline = await Activity.GetTimelineAsync(id, 0, 10);
        Assert.Equal((ActivityKind.Donation, last), (timeline.Entries[0].Kind, timeline.Entries[0].Id));

        await Activity.DeleteDonationAsync(id, last);
        Assert.Equal(2000, (await Db.Customers.GetAsync(id)).Engagement.DonationTotalMinor);
    }

    [Fact]
    public async Task Memberships_CountOnlyActiveOnes()
    {
        var id = await Db.AddAsync(ACustomer());

        var gym = await Activity.AddMembershipAsync(id, new MembershipInput { Plan = "Monthly unlimited", Rate = 39.9m });
        await Activity.AddMembershipAsync(id, new MembershipInput { Plan = "Sauna pack", Rate = 60m, Recurring = false });
        Assert.Equal(2, (await Db.Customers.GetAsync(id)).Engagement.ActiveMembershipCount);

        await Activity.SetMembershipStatusAsync(id, gym, MembershipStatus.Paused);
        Assert.Equal(1, (await Db.Customers.GetAsync(id)).Engagement.ActiveMembershipCount);
        var memberships = await Activity.MembershipsAsync(id);
        Assert.Equal([MembershipStatus.Active, MembershipStatus.Paused], memberships.Select(m => m.Status));
        Assert.Equal(3990, memberships.Single(m => m.Id == gym).RateMinor);
    }

    [Theory]
    [InlineData("", "10", "Name the plan.")]
    [InlineData("Gold", "-1", "The amount cannot be negative.")]
    public async Task Memberships_RefuseBadInput(string plan, string rate, string message)
    {
        var id = await Db.AddAsync(ACustomer());

        var e = await Assert.ThrowsAsync<DomainException>(() => Activity.AddMembershipAsync(id,
            new MembershipInput { Plan = plan, Rate = decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture) }));

        Assert.Equal(message, e.Message);
        Assert.Empty(await Activity.MembershipsAsync(id));
    }

    [Fact]
    public async Task Loyalty_EnrolAdjustAndLeave_NeverBelowZero()
    {
        var id = await Db.AddAsync(ACustomer());

        var notEnrolled = await Assert.ThrowsAsync<DomainException>(() => Loyalty.AdjustPointsAsync(id, 10));
        await Loyalty.EnrollAsync(id, rewardThreshold: 100);
        await Loyalty.AdjustPointsAsync(id, 120);
        var tooMany = await Assert.ThrowsAsync<DomainException>(() => Loyalty.AdjustPointsAsync(id, -500));
        var view = await Loyalty.GetAsync(id);

        Assert.Equal("Enrol this person in the loyalty programme first.", notEnrolled.Message);
        Assert.Equal("Only 120 points to take away.", tooMany.Message);
        Assert.Equal((true, 120, true), (view.Enrolled, view.Points, view.RewardReached));
        Assert.Equal(120, (await Db.Customers.GetAsync(id)).Engagement.LoyaltyPoints);

        await Loyalty.LeaveAsync(id);
        Assert.Null((await Db.Customers.GetAsync(id)).Engagement.LoyaltyPoints);
        Assert.Equal(120, (await Loyalty.GetAsync(id)).Points); // kept for their return
    }

    [Fact]
    public async Task Loyalty_ConcurrentAdditions_AreAllKept()
    {
        var id = await Db.AddAsync(ACustomer());
        await Loyalty.EnrollAsync(id, null);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Loyalty.AdjustPointsAsync(id, 5))));

        Assert.Equal(100, (await Loyalty.GetAsync(id)).Points);
    }
}
