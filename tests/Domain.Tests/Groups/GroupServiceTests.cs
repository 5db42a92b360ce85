using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using CustomerDirectory.Domain.Staff;
using CustomerDirectory.Domain.Tags;
using Microsoft.EntityFrameworkCore;
using static CustomerDirectory.Domain.Tests.CustomerBuilder;

namespace CustomerDirectory.Domain.Tests.Groups;

public sealed class GroupServiceTests : DatabaseTest
{
    private const string Actor = "Ana (owner)";

    private GroupService Groups => Db.Get<GroupService>();

    private GroupEngine Engine => Db.Get<GroupEngine>();

    private static FilterDefinition Rule(params FilterNode[] conditions) => new() { Root = FilterNode.All(conditions) };

    private static FilterDefinition CityIs(string city) => Rule(FilterNode.Condition(FilterFields.City, FilterOperator.Is, city));

    private async Task<int> PersonAsync(string first, string? city = null)
    {
        var input = ACustomer().Named(first, "Test").Build();
        input.City = city;
        return await Db.Customers.CreateAsync(input);
    }

    private async Task MoveAsync(int id, string city)
    {
        var details = await Db.Customers.GetAsync(id);
        var input = details.ToInput();
        input.City = city;
        await Db.Customers.UpdateAsync(id, input, details.Version);
    }

    private async Task<int[]> MembersAsync(int groupId)
    {
        await Engine.WhenIdleAsync();
        await using var db = Db.NewContext();
        return await db.GroupMembers.Where(m => m.GroupId == groupId && m.LeftAt == null).OrderBy(m => m.CustomerId).Select(m => m.CustomerId).ToArrayAsync();
    }

    [Fact]
    public async Task An_automated_group_holds_who_its_rule_matches_and_follows_each_change_right_after_commit()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var bob = await PersonAsync("Bob", "Paris");
        var group = await Groups.CreateAsync(new GroupInput("Lyon", null, GroupKind.Automated, CityIs("Lyon")), Actor);
        Assert.Equal([ana], await MembersAsync(group));

        await MoveAsync(bob, "Lyon");
        await MoveAsync(ana, "Nice");
        Assert.Equal([bob], await MembersAsync(group));

        // A new profile matching the rule enters on creation.
        var cleo = await PersonAsync("Cleo", "Lyon");
        Assert.Equal([bob, cleo], await MembersAsync(group));

        // Re-entering opens a new interval; the old one stays closed, with its cause.
        await MoveAsync(ana, "Lyon");
        await Engine.WhenIdleAsync();
        var history = await Groups.HistoryAsync(group, ana);
        Assert.Equal(2, history.Count);
        Assert.Null(history[0].LeftAt);
        Assert.Equal(MembershipCause.Rule, history[1].LeaveCause);
        Assert.Equal(1, history[1].EnterRuleVersion);
    }

    [Fact]
    public async Task Manual_groups_change_only_by_hand_and_never_take_missing_profiles()
    {
        var ana = await PersonAsync("Ana");
        var bob = await PersonAsync("Bob");
        var group = await Groups.CreateAsync(new GroupInput("VIPs", "Our best", GroupKind.Manual), Actor);

        Assert.Equal(1, await Groups.AddMembersAsync(group, [ana, 999_999], Actor));
        Assert.Equal(0, await Groups.AddMembersAsync(group, [ana], Actor));
        Assert.Equal([ana], await MembersAsync(group));

        await MoveAsync(bob, "Lyon");
        Assert.Equal([ana], await MembersAsync(group));

        Assert.Equal(1, await Groups.RemoveMembersAsync(group, [ana, bob], Actor));
        Assert.Empty(await MembersAsync(group));
        var history = await Groups.HistoryAsync(group, ana);
        Assert.Equal((MembershipCause.ManualAdd, MembershipCause.ManualRemove, Actor, Actor), (history[0].EnterCause, history[0].LeaveCause!.Value, history[0].EnteredBy!, history[0].LeftBy!));

        await Assert.ThrowsAsync<DomainException>(() => Groups.SetOverrideAsync(group, ana, true, Actor));
    }

    [Fact]
    public async Task A_whole_filter_result_can_be_added_to_a_manual_group()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        await PersonAsync("Bob", "Paris");
        var cleo = await PersonAsync("Cleo", "Lyon");
        var group = await Groups.CreateAsync(new GroupInput("Lyon by hand", null, GroupKind.Manual), Actor);

        Assert.Equal((2, 2), await Groups.AddFilterResultAsync(group, CityIs("lyon"), null, Actor));
        Assert.Equal([ana, cleo], await MembersAsync(group));
        Assert.Equal((0, 2), await Groups.AddFilterResultAsync(group, CityIs("lyon"), null, Actor));
    }

    [Fact]
    public async Task Overrides_survive_every_re_evaluation_and_clearing_them_returns_to_the_rule()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var bob = await PersonAsync("Bob", "Paris");
        var group = await Groups.CreateAsync(new GroupInput("Lyon", null, GroupKind.Automated, CityIs("Lyon")), Actor);

        await Groups.SetOverrideAsync(group, bob, include: true, Actor);
        await Groups.SetOverrideAsync(group, ana, include: false, Actor);
        Assert.Equal([bob], await MembersAsync(group));

        await Groups.UpdateNowAsync(group, Actor);
        await MoveAsync(ana, "Lyon");
        Assert.Equal([bob], await MembersAsync(group));

        var overrides = await Groups.OverridesAsync(group);
        Assert.Equal(2, overrides.Count);
        Assert.Contains(overrides, o => o.CustomerId == bob && o.Include && o.By == Actor);

        await Groups.SetOverrideAsync(group, ana, include: null, Actor);
        await Groups.SetOverrideAsync(group, bob, include: null, Actor);
        Assert.Equal([ana], await MembersAsync(group));
        var history = await Groups.HistoryAsync(group, bob);
        Assert.Equal(MembershipCause.OverrideInclude, history.Single().EnterCause);
    }

    [Fact]
    public async Task A_paused_group_keeps_its_members_until_resumed_or_updated_now()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var group = await Groups.CreateAsync(new GroupInput("Lyon", null, GroupKind.Automated, CityIs("Lyon")), Actor);
        await Groups.SetPausedAsync(group, true, Actor);
        Assert.Equal(GroupStatus.Paused, (await Groups.GetAsync(group)).Status);

        await MoveAsync(ana, "Nice");
        var bob = await PersonAsync("Bob", "Lyon");
        Assert.Equal([ana], await MembersAsync(group));

        await Groups.SetPausedAsync(group, false, Actor);
        Assert.Equal([bob], await MembersAsync(group));
        Assert.Equal(GroupStatus.UpToDate, (await Groups.GetAsync(group)).Status);
    }

    [Fact]
    public async Task Editing_a_rule_previews_who_enters_and_leaves_then_records_the_new_version()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var bob = await PersonAsync("Bob", "Paris");
        var cleo = await PersonAsync("Cleo", "Paris");
        var group = await Groups.CreateAsync(new GroupInput("Town", null, GroupKind.Automated, CityIs("Lyon")), Actor);

        var preview = await Groups.PreviewAsync(group, CityIs("Paris"), null);
        Assert.Equal((2, 2, 1), (preview.Members, preview.Entering, preview.Leaving));
        Assert.Equal([bob, cleo], preview.SomeEntering.Select(p => p.Id).Order());
        Assert.Equal([ana], await MembersAsync(group)); // a preview writes nothing

        var version = (await Groups.GetAsync(group)).Version;
        await Groups.UpdateAsync(group, new GroupInput("Town", null, GroupKind.Automated, CityIs("Paris")), version, Actor);
        Assert.Equal([bob, cleo], await MembersAsync(group));
        var entry = (await Groups.HistoryAsync(group, bob)).Single();
        Assert.Equal((MembershipCause.RuleEdit, 2), (entry.EnterCause, entry.EnterRuleVersion));

        // The stale version is refused: nobody overwrites someone else's edit unknowingly.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Groups.UpdateAsync(group, new GroupInput("Town", null, GroupKind.Automated, CityIs("Nice")), version, Actor));
        Assert.Equal([bob, cleo], await MembersAsync(group));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_message_and_changes_nothing()
    {
        var group = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), Actor);
        Assert.Equal("Name", (await Assert.ThrowsAsync<DomainException>(() => Groups.CreateAsync(new GroupInput("  ", null, GroupKind.Manual), Actor))).Field);
        Assert.Contains("already exists", (await Assert.ThrowsAsync<DomainException>(() => Groups.CreateAsync(new GroupInput("vips", null, GroupKind.Manual), Actor))).Message);
        Assert.Contains("at most", (await Assert.ThrowsAsync<DomainException>(() => Groups.CreateAsync(new GroupInput(new string('x', 81), null, GroupKind.Manual), Actor))).Message);
        var bad = Rule(FilterNode.Condition("custom.4242", FilterOperator.IsTrue));
        Assert.Contains("no longer exists", (await Assert.ThrowsAsync<DomainException>(() => Groups.CreateAsync(new GroupInput("Broken", null, GroupKind.Automated, bad), Actor))).Message);
        await Assert.ThrowsAsync<NotFoundException>(() => Groups.GetAsync(4242));
        await Assert.ThrowsAsync<NotFoundException>(() => Groups.AddMembersAsync(4242, [1], Actor));
        Assert.Single(await Groups.ListAsync());
        Assert.Equal("VIPs", (await Groups.GetAsync(group)).Name);
    }

    [Fact]
    public async Task Rules_can_use_other_groups_and_evaluate_after_them_but_never_in_a_circle()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var bob = await PersonAsync("Bob", "Lyon");
        var vips = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), Actor);
        await Groups.AddMembersAsync(vips, [ana], Actor);
        var inVips = FilterNode.Condition(FilterFields.Groups, FilterOperator.HasAny, vips.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var lyonVips = await Groups.CreateAsync(new GroupInput("Lyon VIPs", null, GroupKind.Automated, Rule(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon"), inVips)), Actor);
        Assert.Equal([ana], await MembersAsync(lyonVips));

        // A chain: C uses B, which uses the manual group; adding Bob by hand ripples through both in one pass.
        var inLyonVips = FilterNode.Condition(FilterFields.Groups, FilterOperator.HasAny, lyonVips.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var chain = await Groups.CreateAsync(new GroupInput("Chain", null, GroupKind.Automated, Rule(inLyonVips)), Actor);
        await Groups.AddMembersAsync(vips, [bob], Actor);
        Assert.Equal([ana, bob], await MembersAsync(lyonVips));
        Assert.Equal([ana, bob], await MembersAsync(chain));

        // Lyon VIPs may not use Chain, which uses Lyon VIPs.
        var inChain = FilterNode.Condition(FilterFields.Groups, FilterOperator.HasAny, chain.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var details = await Groups.GetAsync(lyonVips);
        var error = await Assert.ThrowsAsync<DomainException>(() => Groups.UpdateAsync(lyonVips, new GroupInput("Lyon VIPs", null, GroupKind.Automated, Rule(inChain)), details.Version, Actor));
        Assert.Contains("circle", error.Message);
        Assert.Contains("“Chain”", error.Message);

        // A group used by another rule cannot be deleted.
        Assert.Contains("Chain", (await Assert.ThrowsAsync<DomainException>(() => Groups.DeleteAsync(lyonVips))).Message);
        await Groups.DeleteAsync(chain);
        await Groups.DeleteAsync(lyonVips);
        Assert.Equal(2, await Db.Customers.SearchAsync(new CustomerSearch { Take = 10 }).ContinueWith(t => t.Result.Total)); // profiles stay
    }

    [Fact]
    public async Task The_directory_filters_on_group_membership_and_on_when_people_joined()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var bob = await PersonAsync("Bob", "Paris");
        var group = await Groups.CreateAsync(new GroupInput("Lyon", null, GroupKind.Automated, CityIs("Lyon")), Actor);
        Db.Clock.Advance(TimeSpan.FromDays(10));
        await MoveAsync(bob, "Lyon");
        await Engine.WhenIdleAsync();
        var id = group.ToString(System.Globalization.CultureInfo.InvariantCulture);

        async Task<int[]> FindAsync(FilterNode condition) =>
            [.. (await Db.Customers.SearchAsync(new CustomerSearch { Filter = Rule(condition), Take = 10 })).Rows.Select(r => r.Id).Order()];

        Assert.Equal([ana, bob], await FindAsync(FilterNode.Condition(FilterFields.Groups, FilterOperator.HasAny, id)));
        Assert.Equal([bob], await FindAsync(FilterNode.Condition(FilterCatalog.GroupJoinedKey(group), FilterOperator.WithinLast, "7", "days")));
        Assert.Equal([ana], await FindAsync(FilterNode.Condition(FilterCatalog.GroupJoinedKey(group), FilterOperator.MoreThanAgo, "7", "days")));
    }

    [Fact]
    public async Task A_stay_rule_keeps_members_until_it_stops_holding_so_people_do_not_flap()
    {
        // Enter when spending ≥ 100; stay while spending ≥ 50.
        var ana = await PersonAsync("Ana");
        var enter = Rule(FilterNode.Condition(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, "100"));
        var stay = Rule(FilterNode.Condition(FilterFields.TotalSpent, FilterOperator.GreaterOrEqual, "50"));
        var group = await Groups.CreateAsync(new GroupInput("Big spenders", null, GroupKind.Automated, enter, stay), Actor);
        var activity = Db.Get<ActivityService>();

        var order = await activity.RecordOrderAsync(ana, new OrderInput { Amount = 120m });
        Assert.Equal([ana], await MembersAsync(group));

        await activity.RecordOrderAsync(ana, new OrderInput { Amount = 60m });
        await activity.DeleteOrderAsync(ana, order);
        Assert.Equal([ana], await MembersAsync(group)); // below the entry bar, above the stay bar

        var explanation = await Groups.ExplainAsync(group, ana);
        Assert.Contains("stay rule", explanation.Summary);

        await Groups.UpdateNowAsync(group, Actor);
        Assert.Equal([ana], await MembersAsync(group));
        var bob = await PersonAsync("Bob");
        await activity.RecordOrderAsync(bob, new OrderInput { Amount = 60m });
        Assert.Equal([ana], await MembersAsync(group)); // 60 is not enough to enter
    }

    [Fact]
    public async Task Consent_changes_are_recorded_as_such_and_subscribers_groups_are_consent_aware()
    {
        await Groups.EnsurePredefinedAsync();
        await Engine.EvaluateAllAsync(MembershipCause.Rule, null);
        var subscribers = (await Groups.ListAsync()).Single(g => g.Predefined == PredefinedGroup.EmailSubscribers).Id;
        var ana = await PersonAsync("Ana");
        await Engine.WhenIdleAsync(); // a pass already under way when consent changes sees it, and records "rule"
        var consent = Db.Get<ConsentService>();
        var staff = new StaffActor("1", Actor);

        await consent.SetByStaffAsync(ana, ConsentChannel.Email, ConsentStatus.Subscribed, staff);
        Assert.Equal([ana], await MembersAsync(subscribers));
        await consent.SetByStaffAsync(ana, ConsentChannel.Email, ConsentStatus.Bounced, staff);
        Assert.Empty(await MembersAsync(subscribers));
        var stay = (await Groups.HistoryAsync(subscribers, ana)).Single();
        Assert.Equal((MembershipCause.ConsentChange, MembershipCause.ConsentChange), (stay.EnterCause, stay.LeaveCause!.Value));
    }

    [Fact]
    public async Task Stats_count_members_reachable_by_each_channel_and_movement()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var bob = await PersonAsync("Bob", "Lyon");
        var noPhone = ACustomer().Named("Cleo", "Test").WithPhone(null).Build();
        noPhone.City = "Lyon";
        var cleo = await Db.Customers.CreateAsync(noPhone);
        var consent = Db.Get<ConsentService>();
        var staff = new StaffActor("1", Actor);
        await consent.SetByStaffAsync(ana, ConsentChannel.Email, ConsentStatus.Subscribed, staff);
        await consent.SetByStaffAsync(bob, ConsentChannel.Sms, ConsentStatus.Subscribed, staff);
        var group = await Groups.CreateAsync(new GroupInput("Lyon", null, GroupKind.Automated, CityIs("Lyon")), Actor);
        await MoveAsync(bob, "Paris");
        await Engine.WhenIdleAsync();

        var stats = await Groups.StatsAsync(group);
        Assert.Equal(new GroupStats(2, 1, 0, 3, 1, 3, 1), stats); // Bob, the SMS subscriber, left

        var page = await Groups.MembersAsync(group, new GroupMemberQuery(Sort: GroupMemberSort.Name, Descending: true));
        Assert.Equal(2, page.Total);
        Assert.Equal(["Cleo", "Ana"], page.Rows.Select(r => r.FirstName));
        Assert.Equal(["Ana"], (await Groups.MembersAsync(group, new GroupMemberQuery(Text: "ana"))).Rows.Select(r => r.FirstName));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Member_pages_sort_search_and_page_the_same_with_or_without_the_index(bool withIndex)
    {
        var names = new[] { "Zoe", "Ana", "Bob", "Cleo", "Dan", "Eve" };
        var ids = new List<int>();
        foreach (var name in names)
        {
            ids.Add(await PersonAsync(name, "Lyon"));
            Db.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await PersonAsync("Outsider", "Paris");
        if (withIndex)
        {
            await Db.Get<CustomerDirectory.Domain.Filters.Index.ProfileIndex>().BuildAsync();
        }

        var group = await Groups.CreateAsync(new GroupInput("Lyon", null, GroupKind.Manual), Actor);
        foreach (var id in ids)
        {
            await Groups.AddMembersAsync(group, [id], Actor);
            Db.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        async Task<string[]> PageAsync(GroupMemberQuery query) => [.. (await Groups.MembersAsync(group, query)).Rows.Select(r => r.FirstName)];
        Assert.Equal(["Ana", "Bob", "Cleo"], await PageAsync(new GroupMemberQuery(Take: 3)));
        Assert.Equal(["Dan", "Cleo"], await PageAsync(new GroupMemberQuery(Descending: true, Skip: 2, Take: 2)));
        Assert.Equal(["Eve", "Dan", "Cleo"], await PageAsync(new GroupMemberQuery(Sort: GroupMemberSort.EnteredAt, Descending: true, Take: 3)));
        Assert.Equal(["Zoe", "Ana"], await PageAsync(new GroupMemberQuery(Sort: GroupMemberSort.EnteredAt, Take: 2)));
        var search = await Groups.MembersAsync(group, new GroupMemberQuery(Text: "eve"));
        Assert.Equal((1, "Eve"), (search.Total, search.Rows.Single().FirstName));
        Assert.Equal(6, (await Groups.MembersAsync(group, new GroupMemberQuery())).Total);
    }

    [Fact]
    public async Task Explanations_show_each_condition_with_the_persons_value()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var tags = Db.Get<TagService>();
        await tags.AddToCustomerAsync(ana, "VIP");
        var rule = Rule(
            FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon"),
            FilterNode.Any(
                FilterNode.Condition(FilterFields.VisitCount, FilterOperator.Greater, "3"),
                FilterNode.Condition(FilterFields.Tags, FilterOperator.HasAny, "999")));
        var group = await Groups.CreateAsync(new GroupInput("Lyon regulars", null, GroupKind.Automated,
            Rule(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon"), FilterNode.Condition(FilterFields.VisitCount, FilterOperator.Greater, "3"))), Actor);
        _ = rule;

        var explanation = await Groups.ExplainAsync(group, ana);
        Assert.False(explanation.IsMember);
        Assert.Equal("Not in the group: the rule does not hold.", explanation.Summary);
        var conditions = explanation.Rule!.Children;
        Assert.True(conditions[0].Passes);
        Assert.Equal("Lyon", conditions[0].Actual);
        Assert.False(conditions[1].Passes);
        Assert.Equal("0", conditions[1].Actual);
        await Assert.ThrowsAsync<NotFoundException>(() => Groups.ExplainAsync(group, 424242));
    }

    [Fact]
    public async Task Duplicating_copies_rules_or_members_and_deleting_keeps_the_profiles()
    {
        var ana = await PersonAsync("Ana", "Lyon");
        var manual = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), Actor);
        await Groups.AddMembersAsync(manual, [ana], Actor);
        var copy = await Groups.DuplicateAsync(manual, Actor);
        Assert.Equal("VIPs (copy)", (await Groups.GetAsync(copy)).Name);
        Assert.Equal([ana], await MembersAsync(copy));
        var again = await Groups.DuplicateAsync(manual, Actor);
        Assert.Equal("VIPs (copy 2)", (await Groups.GetAsync(again)).Name);
        var longName = await Groups.CreateAsync(new GroupInput(new string('L', Group.NameMaxLength), null, GroupKind.Manual), Actor);
        var longCopy = (await Groups.GetAsync(await Groups.DuplicateAsync(longName, Actor))).Name;
        Assert.True(longCopy.Length <= Group.NameMaxLength && longCopy.EndsWith("… (copy)", StringComparison.Ordinal), longCopy);

        var automated = await Groups.CreateAsync(new GroupInput("Lyon", null, GroupKind.Automated, CityIs("Lyon")), Actor);
        var automatedCopy = await Groups.DuplicateAsync(automated, Actor);
        Assert.Equal((await Groups.GetAsync(automated)).RuleJson, (await Groups.GetAsync(automatedCopy)).RuleJson);
        Assert.Equal([ana], await MembersAsync(automatedCopy));

        await Groups.DeleteAsync(manual);
        await Assert.ThrowsAsync<NotFoundException>(() => Groups.GetAsync(manual));
        Assert.NotNull(await Db.Customers.GetAsync(ana));
        Assert.DoesNotContain(await Groups.GroupsOfAsync(ana), g => g.GroupId == manual);
    }
}
