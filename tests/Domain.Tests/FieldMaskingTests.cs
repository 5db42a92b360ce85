using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.Domain.Tests;

/// <summary>Front desk (no contact details, no financials) never receives them, and cannot find people by them.</summary>
public sealed class FieldMaskingTests : DatabaseTest
{
    private async Task<(int Id, StaffActor FrontDesk)> SetUpAsync()
    {
        var id = await Db.AddAsync(CustomerBuilder.ACustomer().Named("Inès", "Moreau").WithEmail("ines.secret@gmail.com").WithPhone("+33 6 11 22 33 44"));
        await Db.Get<ActivityService>().RecordOrderAsync(id, new OrderInput { Amount = 123.45m });
        await Db.Get<ActivityService>().RecordVisitAsync(id, new VisitInput());
        return (id, await Db.StaffWithRoleAsync(StaffRoles.FrontDesk, DefaultRoles.Sets[StaffRoles.FrontDesk]));
    }

    [Fact]
    public async Task Rows_and_the_profile_come_back_without_contact_details_or_money()
    {
        var (id, frontDesk) = await SetUpAsync();
        using var _ = StaffAccess.As(frontDesk);

        var row = Assert.Single((await Db.Customers.SearchAsync(new CustomerSearch())).Rows);
        Assert.Equal("Inès", row.FirstName);
        Assert.Null(row.Email);
        Assert.Null(row.Phone);
        Assert.Equal(0, row.TotalSpentMinor);
        Assert.Equal(0, row.OrderCount);
        Assert.Null(row.LastOrderAt);

        var profile = await Db.Customers.GetAsync(id);
        Assert.Null(profile.Email);
        Assert.Null(profile.Phone);
        Assert.Equal(0, profile.Engagement.TotalSpentMinor);
        Assert.Equal(1, profile.Engagement.VisitCount);

        var timeline = await Db.Get<ActivityService>().GetTimelineAsync(id, 0, 10);
        Assert.All(timeline.Entries, e => Assert.Equal(Activity.ActivityKind.Visit, e.Kind));
        Assert.Equal(1, timeline.Total);
    }

    [Fact]
    public async Task Filters_sorts_and_searches_on_hidden_fields_are_refused_or_match_names_only()
    {
        var (_, frontDesk) = await SetUpAsync();
        using var _ = StaffAccess.As(frontDesk);

        var byEmail = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.Email, FilterOperator.Contains, "gmail")) };
        await Assert.ThrowsAsync<ForbiddenException>(() => Db.Customers.SearchAsync(new CustomerSearch { Filter = byEmail }));
        var bySpend = new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, "100")) };
        await Assert.ThrowsAsync<ForbiddenException>(() => Db.Customers.SearchAsync(new CustomerSearch { Filter = bySpend }));
        await Assert.ThrowsAsync<ForbiddenException>(() => Db.Customers.SearchAsync(new CustomerSearch { Sort = CustomerSort.TotalSpent }));
        await Assert.ThrowsAsync<ForbiddenException>(() => Db.Customers.SearchAsync(new CustomerSearch { Sort = CustomerSort.Email }));

        // The search box: her email and phone find nobody (no count to reveal them); her name finds her.
        Assert.Equal(0, (await Db.Customers.SearchAsync(new CustomerSearch { Text = "secret" })).Total);
        Assert.Equal(0, (await Db.Customers.SearchAsync(new CustomerSearch { Text = "06 11 22" })).Total);
        Assert.Equal(1, (await Db.Customers.SearchAsync(new CustomerSearch { Text = "ines mor" })).Total);

        // The filter bar is not offered them either.
        var catalog = (await Db.Get<StaffAccess>().FieldsAsync()).Narrow(await Db.Get<FilterCatalogService>().GetAsync());
        Assert.Null(catalog.Find(FilterFields.Email));
        Assert.Null(catalog.Find(FilterFields.TotalSpent));
        Assert.NotNull(catalog.Find(FilterFields.LastVisitAt));
    }

    [Fact]
    public async Task Saving_the_profile_without_seeing_contact_details_keeps_them()
    {
        var (id, frontDesk) = await SetUpAsync();
        using (StaffAccess.As(frontDesk))
        {
            var profile = await Db.Customers.GetAsync(id);
            var input = profile.ToInput();
            input.LastName = "Moreau-Leroy";
            await Db.Customers.UpdateAsync(id, input, profile.Version);
        }

        var saved = await Db.Customers.GetAsync(id);
        Assert.Equal("Moreau-Leroy", saved.LastName);
        Assert.Equal("ines.secret@gmail.com", saved.Email);
        Assert.NotNull(saved.Phone);
    }

    [Fact]
    public async Task Group_members_and_explanations_hide_what_the_viewer_may_not_see()
    {
        var (id, frontDesk) = await SetUpAsync();
        var big = await Db.Get<GroupService>().CreateAsync(new GroupInput("Big spenders", null, GroupKind.Automated,
            new FilterDefinition { Root = FilterNode.All(FilterNode.Condition(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, "100")) }, null), "Owner");
        using var _ = StaffAccess.As(frontDesk);
        var groups = Db.Get<GroupService>();

        var member = Assert.Single((await groups.MembersAsync(big, new GroupMemberQuery())).Rows);
        Assert.Null(member.Email);
        Assert.Empty((await groups.MembersAsync(big, new GroupMemberQuery(Text: "secret"))).Rows);
        Assert.Single((await groups.MembersAsync(big, new GroupMemberQuery(Text: "inès"))).Rows);
        await Assert.ThrowsAsync<ForbiddenException>(() => groups.MembersAsync(big, new GroupMemberQuery(Sort: GroupMemberSort.Email)));

        var why = await groups.ExplainAsync(big, id);
        Assert.Equal("hidden", Assert.Single(why.Rule!.Children).Actual);
        Assert.DoesNotContain("123", why.Rule.Children[0].Actual ?? "", StringComparison.Ordinal);
    }
}
