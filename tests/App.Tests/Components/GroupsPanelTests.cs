using System.Globalization;
using System.Security.Claims;
using Bunit;
using CustomerDirectory.App.Account;
using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain.Activity;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>The profile's Groups panel: memberships, manual add/remove, exceptions, explanations and history.</summary>
public sealed class GroupsPanelTests : ComponentTestContext
{
    public GroupsPanelTests()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("claire@example.com");
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "me"), new Claim(StaffClaimsPrincipalFactory.DisplayNameClaim, "Claire"));
    }

    private GroupService Groups => Services.GetRequiredService<GroupService>();

    private Task IdleAsync() => Services.GetRequiredService<GroupEngine>().WhenIdleAsync();

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<int> AddLyonnaisAsync(int visits = 0)
    {
        var id = await Customers.CreateAsync(new() { FirstName = "Anne", LastName = "Petit", City = "Lyon" });
        var activity = Services.GetRequiredService<ActivityService>();
        for (var i = 0; i < visits; i++)
        {
            await activity.RecordVisitAsync(id, new VisitInput { At = DateTime.UtcNow.AddDays(-i - 1) });
        }

        await IdleAsync();
        return id;
    }

    private Task<int> AutomatedAsync(string name, params FilterNode[] conditions) =>
        Groups.CreateAsync(new GroupInput(name, null, GroupKind.Automated, new FilterDefinition { Root = FilterNode.All(conditions) }), "test");

    private static FilterNode InLyon => FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Lyon");

    private static FilterNode MoreThanThreeVisits => FilterNode.Condition(FilterFields.VisitCount, FilterOperator.Greater, "3");

    private IRenderedComponent<GroupsPanel> RenderPanel(int customerId) => Render<GroupsPanel>(ps => ps.Add(p => p.CustomerId, customerId));

    private static IReadOnlyList<string> Rows(IRenderedComponent<GroupsPanel> cut) =>
        [.. cut.FindAll("[data-testid=group-membership]").Select(r => r.QuerySelector("[data-testid=group-link]")!.TextContent)];

    [Fact]
    public async Task ListsTheGroupsThePersonIsIn_WithALinkSinceWhenAndWhy()
    {
        var id = await AddLyonnaisAsync();
        var lyon = await AutomatedAsync("Lyonnais", InLyon);
        var vips = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "test");
        await Groups.AddMembersAsync(vips, [id], "test");
        await AutomatedAsync("Parisians", FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Paris"));
        await IdleAsync();

        var cut = RenderPanel(id);

        cut.WaitForAssertion(() => Assert.Equal(["Lyonnais", "VIPs"], Rows(cut)));
        var rows = cut.FindAll("[data-testid=group-membership]");
        Assert.Equal($"groups/{lyon}", rows[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.EndsWith("· Matched the rule", rows[0].QuerySelector("[data-testid=group-since]")!.TextContent, StringComparison.Ordinal);
        Assert.EndsWith("· Added by hand", rows[1].QuerySelector("[data-testid=group-since]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(rows[1].QuerySelector("[data-testid=remove-from-group]")); // manual: remove
        Assert.Null(rows[0].QuerySelector("[data-testid=remove-from-group]")); // automated: exceptions instead
        Assert.NotNull(rows[0].QuerySelector("[data-testid=override]"));
    }

    [Fact]
    public async Task Explanation_ShowsEachConditionPassingOrFailing_WithTheActualValue()
    {
        var id = await AddLyonnaisAsync(visits: 2);
        var regulars = await AutomatedAsync("Lyon regulars", InLyon, MoreThanThreeVisits);
        await IdleAsync();
        var cut = RenderPanel(id);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=no-groups]")));

        cut.Find("[data-testid=group-picker]").Change(Id(regulars));
        cut.WaitForAssertion(() => Assert.StartsWith("Not in Lyon regulars", cut.Find("[data-testid=picked-status]").TextContent.Trim(), StringComparison.Ordinal));
        cut.Find("[data-testid=why-picked]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Not in the group: the rule does not hold.", cut.Find("[data-testid=explanation-summary]").TextContent));
        var nodes = cut.FindAll("[data-testid=explanation-node]");
        Assert.Equal(3, nodes.Count); // "All of these" and its two conditions, nested under it
        Assert.Equal("false", nodes[0].GetAttribute("data-passes"));
        Assert.Equal(2, nodes[0].QuerySelectorAll("li[data-testid=explanation-node]").Length);
        Assert.Equal("true", nodes[1].GetAttribute("data-passes"));
        Assert.Contains("Lyon", nodes[1].QuerySelector("[data-testid=explanation-actual]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("false", nodes[2].GetAttribute("data-passes"));
        Assert.Contains("2", nodes[2].QuerySelector("[data-testid=explanation-actual]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Group last evaluated", cut.Find("[data-testid=explanation-evaluated]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explanation_ForAGroupThePersonIsIn_SaysTheRuleHolds()
    {
        var id = await AddLyonnaisAsync(visits: 4);
        await AutomatedAsync("Lyon regulars", InLyon, MoreThanThreeVisits);
        await IdleAsync();
        var cut = RenderPanel(id);
        cut.WaitForAssertion(() => Assert.Equal(["Lyon regulars"], Rows(cut)));

        cut.Find("[data-testid=why-in]").Click();

        cut.WaitForAssertion(() => Assert.Equal("In the group: the rule holds.", cut.Find("[data-testid=explanation-summary]").TextContent));
        Assert.All(cut.FindAll("[data-testid=explanation-node]"), n => Assert.Equal("true", n.GetAttribute("data-passes")));
    }

    [Fact]
    public async Task Overrides_IncludeSomeoneTheRuleLeavesOut_ThenExcludeThem_ThenFollowTheRuleAgain()
    {
        var id = await AddLyonnaisAsync(visits: 1);
        var regulars = await AutomatedAsync("Lyon regulars", InLyon, MoreThanThreeVisits);
        await IdleAsync();
        var cut = RenderPanel(id);
        cut.Find("[data-testid=group-picker]").Change(Id(regulars));
        cut.WaitForElement("[data-testid=picked-group] [data-testid=override]").Change("include");

        cut.WaitForAssertion(() => Assert.Equal(["Lyon regulars"], Rows(cut)));
        var row = Assert.Single(await Groups.GroupsOfAsync(id));
        Assert.Equal((regulars, true, MembershipCause.OverrideInclude), (row.GroupId, row.Override, row.Cause));
        Assert.NotNull(cut.Find("[data-testid=group-membership] [data-testid=always-included]"));
        Assert.Contains("always included", cut.Find("[data-testid=picked-status]").TextContent, StringComparison.Ordinal);

        cut.Find("[data-testid=group-membership] [data-testid=override]").Change("exclude");

        cut.WaitForAssertion(() => Assert.Empty(Rows(cut)));
        Assert.Empty(await Groups.GroupsOfAsync(id));
        Assert.Contains("Not in Lyon regulars · always excluded", cut.Find("[data-testid=picked-status]").TextContent, StringComparison.Ordinal);
        Assert.Equal(false, (await Groups.ExplainAsync(regulars, id)).Override);

        cut.Find("[data-testid=picked-group] [data-testid=override]").Change("rule");

        cut.WaitForAssertion(() => Assert.DoesNotContain("always", cut.Find("[data-testid=picked-status]").TextContent, StringComparison.Ordinal));
        Assert.Null((await Groups.ExplainAsync(regulars, id)).Override);
        Assert.Empty(await Groups.GroupsOfAsync(id)); // one visit: the rule still leaves them out
    }

    [Fact]
    public async Task ManualGroups_AddAndRemove_AndTheHistorySaysWhoDidIt()
    {
        var id = await AddLyonnaisAsync();
        var vips = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "test");
        var cut = RenderPanel(id);

        cut.WaitForElement("[data-testid=add-to-group]").Change(Id(vips));
        cut.WaitForAssertion(() => Assert.Equal(["VIPs"], Rows(cut)));
        Assert.Equal(vips, Assert.Single(await Groups.GroupsOfAsync(id)).GroupId);
        Assert.Empty(cut.FindAll("[data-testid=add-to-group]")); // no other manual group left to add to

        cut.Find("[data-testid=remove-from-group]").Click();
        cut.WaitForAssertion(() => Assert.Empty(Rows(cut)));
        Assert.Empty(await Groups.GroupsOfAsync(id));

        cut.Find("[data-testid=group-history-toggle]").Click();
        var entry = cut.WaitForElement("[data-testid=history-entry]");
        Assert.Contains("VIPs", entry.TextContent, StringComparison.Ordinal);
        Assert.Contains("Added by hand · by Claire", entry.TextContent, StringComparison.Ordinal);
        Assert.Contains("Removed by hand · by Claire", entry.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGroupDeletedElsewhere_LeavesThePickers_AndItsExplanationCloses()
    {
        var id = await AddLyonnaisAsync();
        var gone = await Groups.CreateAsync(new GroupInput("Gone", null, GroupKind.Manual), "test");
        var cut = RenderPanel(id);
        cut.Find("[data-testid=group-picker]").Change(Id(gone));
        cut.WaitForElement("[data-testid=why-picked]").Click();
        cut.WaitForAssertion(() => Assert.Equal("Not added to this manual group.", cut.Find("[data-testid=explanation-summary]").TextContent));
        Assert.Single(cut.FindAll("[data-testid=add-to-group] option"), o => o.GetAttribute("value") == Id(gone));

        await Groups.DeleteAsync(gone);

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=picked-group]")));
        Assert.Empty(cut.FindAll("[data-testid=group-explanation]"));
        Assert.Empty(cut.FindAll("[data-testid=add-to-group]"));
        Assert.DoesNotContain(cut.FindAll("[data-testid=group-picker] option"), o => o.GetAttribute("value") == Id(gone));
    }

    [Fact]
    public async Task FollowsChangesMadeElsewhere()
    {
        var id = await AddLyonnaisAsync();
        var vips = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "test");
        var cut = RenderPanel(id);
        cut.WaitForAssertion(() => Assert.Empty(Rows(cut)));

        await Groups.AddMembersAsync(vips, [id], "Marc");
        cut.WaitForAssertion(() => Assert.Equal(["VIPs"], Rows(cut)));

        await AutomatedAsync("Lyonnais", InLyon);
        await IdleAsync();
        cut.WaitForAssertion(() => Assert.Equal(["Lyonnais", "VIPs"], Rows(cut)));
    }
}
