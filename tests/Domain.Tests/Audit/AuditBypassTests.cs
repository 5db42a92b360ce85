using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Audit;
using CustomerDirectory.Domain.Lists;
using CustomerDirectory.Domain.Tags;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Audit;

/// <summary>Deletes made by query skip the interceptor; the services write their lines themselves, on the profile's History.</summary>
public sealed class AuditBypassTests : DatabaseTest
{
    [Fact]
    public async Task Deleting_a_visit_taking_a_tag_off_and_unsubscribing_each_leave_a_line_on_the_profile()
    {
        var id = await Db.AddAsync(ACustomer());
        var visit = await Db.Get<ActivityService>().RecordVisitAsync(id, new VisitInput());
        var tag = await Db.Get<TagService>().AddToCustomerAsync(id, "VIP");
        var list = await Db.Get<MailingListService>().CreateAsync("News");
        await Db.Get<MailingListService>().SubscribeAsync(id, list);

        await Db.Get<ActivityService>().DeleteVisitAsync(id, visit);
        await Db.Get<TagService>().RemoveFromCustomerAsync(id, tag.Id);
        await Db.Get<MailingListService>().UnsubscribeAsync(id, list);

        var history = await Db.Get<AuditLog>().ForCustomerAsync(id, 0, 50);
        var actions = history.Rows.Select(r => r.Action).ToList();
        Assert.Contains("visit.deleted", actions);
        Assert.Contains("profile.untagged", actions);
        Assert.Contains("profile.unsubscribed", actions);
        Assert.Contains(history.Rows, r => r.Summary == "Took the tag “VIP” off the profile");
    }
}
