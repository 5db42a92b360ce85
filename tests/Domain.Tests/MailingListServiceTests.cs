using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Lists;
using CustomerDirectory.Domain.Staff;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests;

public sealed class MailingListServiceTests : DatabaseTest
{
    private MailingListService Lists => Db.Get<MailingListService>();

    [Fact]
    public async Task Subscribe_KeepsTheFirstDate_AndCountsSubscribers()
    {
        var id = await Db.AddAsync(ACustomer().WithEmail("list@example.com"));
        var newsletter = await Lists.CreateAsync("Newsletter");
        await Lists.CreateAsync("Offers");

        await Lists.SubscribeAsync(id, newsletter);
        var first = Assert.Single(await Lists.ForCustomerAsync(id)).FirstSubscribedAt;
        Db.Clock.Advance(TimeSpan.FromDays(3));
        await Lists.SubscribeAsync(id, newsletter); // already on it: nothing changes

        Assert.Equal(first, Assert.Single(await Lists.ForCustomerAsync(id)).FirstSubscribedAt);
        Assert.Equal([("Newsletter", 1), ("Offers", 0)], (await Lists.ListAsync()).Select(l => (l.Name, l.SubscriberCount)));
    }

    [Fact]
    public async Task Subscribe_NeedsAnAddress_AndRespectsAnUnsubscribe()
    {
        var noEmail = await Db.AddAsync(ACustomer().WithEmail(null));
        var leaver = await Db.AddAsync(ACustomer().WithEmail("leaver@example.com"));
        var list = await Lists.CreateAsync("Newsletter");
        var staff = new StaffActor("s", "Staff");
        await Db.Get<ConsentService>().SetByStaffAsync(leaver, ConsentChannel.Email, ConsentStatus.Subscribed, staff);
        await Db.Get<ConsentService>().SetByStaffAsync(leaver, ConsentChannel.Email, ConsentStatus.Unsubscribed, staff);

        var missing = await Assert.ThrowsAsync<DomainException>(() => Lists.SubscribeAsync(noEmail, list));
        var refused = await Assert.ThrowsAsync<DomainException>(() => Lists.SubscribeAsync(leaver, list));

        Assert.Equal("Add an email address before adding this person to a mailing list.", missing.Message);
        Assert.Equal("This person unsubscribed from email; they have to opt in again before joining a list.", refused.Message);
        Assert.Equal(0, Assert.Single(await Lists.ListAsync()).SubscriberCount);
    }

    [Fact]
    public async Task RenameAndDelete_WorkCentrally()
    {
        var id = await Db.AddAsync(ACustomer());
        var list = await Lists.CreateAsync("News");
        await Lists.CreateAsync("Offers");
        await Lists.SubscribeAsync(id, list);

        await Lists.RenameAsync(list, "Newsletter");
        var clash = await Assert.ThrowsAsync<DomainException>(() => Lists.RenameAsync(list, "OFFERS"));
        Assert.Equal("Newsletter", Assert.Single(await Lists.ForCustomerAsync(id)).Name);
        Assert.Equal("A list called \"OFFERS\" already exists.", clash.Message);

        Assert.Equal(1, await Lists.DeleteAsync(list));
        Assert.Empty(await Lists.ForCustomerAsync(id));
    }
}
