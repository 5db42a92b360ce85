using System.Globalization;
using Bunit;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using Radzen.Blazor;
using GroupPage = CustomerDirectory.App.Components.Groups.GroupDetails;

namespace CustomerDirectory.App.Tests.Groups;

/// <summary>A group's page: header, stats, members, actions, explanations, and following changes live.</summary>
public sealed class GroupDetailsTests : GroupPageTest
{
    private IRenderedComponent<GroupPage> RenderGroup(int id)
    {
        var cut = Render<GroupPage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=member-row]")));
        return cut;
    }

    private static IReadOnlyList<string> Members(IRenderedComponent<GroupPage> cut) =>
        [.. cut.FindAll("[data-testid=member-link]").Select(a => a.TextContent.Trim())];

    [Fact]
    public async Task Details_ShowRuleStatsAndMembers()
    {
        var id = await LyonGroupAsync();

        var cut = RenderGroup(id);

        Assert.Equal("Lyon", Text(cut, "group-title"));
        Assert.Equal("Our Lyon customers", Text(cut, "group-description"));
        Assert.Equal("People enter when: City is \"Lyon\"", Text(cut, "rule-sentence"));
        Assert.StartsWith("Last evaluated ", Text(cut, "last-evaluated"), StringComparison.Ordinal);
        Assert.Equal("UpToDate", cut.Find("[data-testid=group-status]").GetAttribute("data-status"));
        Assert.Equal(("2", "1", "0", "2", "0"), (
            cut.Find("[data-testid=stat-members] .engagement-value").TextContent,
            cut.Find("[data-testid=stat-email] .engagement-value").TextContent,
            cut.Find("[data-testid=stat-sms] .engagement-value").TextContent,
            cut.Find("[data-testid=stat-entered-7] .engagement-value").TextContent,
            cut.Find("[data-testid=stat-left-7] .engagement-value").TextContent));
        Assert.Equal(["Hugo Bernard", "Zoé Martin"], Members(cut));
        Assert.Equal("2 members", Text(cut, "member-count"));
        Assert.Equal($"customers/{Zoe}", cut.FindAll("[data-testid=member-link]")[1].GetAttribute("href"));
        Assert.Contains("✓ Subscribed", cut.FindAll("[data-testid=member-row]")[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_SearchAndSort_RunOnTheServer()
    {
        var id = await LyonGroupAsync();
        var cut = RenderGroup(id);

        cut.Find("[data-testid=member-search]").Input("zoe@");

        cut.WaitForAssertion(() => Assert.Equal(["Zoé Martin"], Members(cut)));
        Assert.Equal("1 member", Text(cut, "member-count"));

        cut.Find("[data-testid=member-search]").Input("");
        cut.WaitForAssertion(() => Assert.Equal(2, Members(cut).Count));
        Assert.Equal("ascending", cut.FindAll("th").First(th => th.TextContent.Contains("Name", StringComparison.Ordinal)).GetAttribute("aria-sort"));
        cut.FindAll("th").First(th => th.TextContent.Contains("Name", StringComparison.Ordinal)).QuerySelector("button")!.Click(); // by name already: Z to A

        cut.WaitForAssertion(() => Assert.Equal(["Zoé Martin", "Hugo Bernard"], Members(cut)));
    }

    [Fact]
    public async Task Members_ComeAPageAtATime_AndEmptyingTheLastPageShowsTheOneBefore()
    {
        var ids = new List<int> { Hugo, Paul, Zoe };
        for (var i = 0; i < 24; i++)
        {
            ids.Add(await Customers.CreateAsync(new() { FirstName = $"Member{i:00}", LastName = "Vidal" }));
        }

        var id = await Groups.CreateAsync(new GroupInput("Regulars by hand", null, GroupKind.Manual, null), Actor);
        await Groups.AddMembersAsync(id, ids, Actor);
        var cut = RenderGroup(id);
        Assert.Equal(25, Members(cut).Count);
        Assert.Equal("Page 1 of 2", cut.Find(".rz-pager-summary").TextContent);

        cut.Find(".rz-pager-next").Click();

        cut.WaitForAssertion(() => Assert.Equal(["Member22 Vidal", "Member23 Vidal"], Members(cut)));
        Assert.Equal("2", cut.Find(".rz-pager-page.rz-state-active").TextContent);

        cut.FindAll("[data-testid=remove-member]")[1].Click();
        cut.WaitForAssertion(() => Assert.Equal(["Member22 Vidal"], Members(cut)));
        cut.Find("[data-testid=remove-member]").Click();

        cut.WaitForAssertion(() => Assert.Equal(25, Members(cut).Count));
        Assert.Empty(cut.FindAll(".rz-pager"));
        Assert.Equal("25 members", Text(cut, "member-count"));
    }

    [Fact]
    public async Task Details_FollowANewMatchingProfile_Live()
    {
        var id = await LyonGroupAsync();
        var cut = RenderGroup(id);

        await Customers.CreateAsync(new CustomerInput { FirstName = "Léa", LastName = "Roux", City = "Lyon" });

        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=stat-members] .engagement-value").TextContent), TimeSpan.FromSeconds(10));
        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard", "Zoé Martin", "Léa Roux"], Members(cut)), TimeSpan.FromSeconds(10));
        Assert.Equal("3", cut.Find("[data-testid=stat-entered-30] .engagement-value").TextContent);
    }

    [Fact]
    public async Task Why_ExplainsEachConditionWithTheirValue()
    {
        var id = await LyonGroupAsync();
        var cut = RenderGroup(id);

        cut.FindAll("[data-testid=why]")[0].Click();

        cut.WaitForAssertion(() => Assert.Equal("In the group: the rule holds.", Text(cut, "explanation-summary")));
        var condition = cut.FindAll("[data-testid=explanation-node]").Single(n => n.QuerySelector("[data-testid=explanation-text]")!.TextContent == "City is \"Lyon\"");
        Assert.Equal("true", condition.GetAttribute("data-passes"));
        Assert.Contains("Lyon", condition.QuerySelector("[data-testid=explanation-actual]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlwaysExclude_TakesThemOut_AndIsListedUnderOverrides()
    {
        var id = await LyonGroupAsync();
        var cut = RenderGroup(id);

        cut.FindAll("[data-testid=member-row]").Single(r => r.TextContent.Contains("Hugo", StringComparison.Ordinal)).QuerySelector("[data-testid=exclude]")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(["Zoé Martin"], Members(cut)), TimeSpan.FromSeconds(10));
        var overrides = Assert.Single(await Groups.OverridesAsync(id));
        Assert.Equal((Hugo, false, Actor), (overrides.CustomerId, overrides.Include, overrides.By));
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=stat-members] .engagement-value").TextContent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ManualGroup_RemoveTakesThemOut_ButKeepsTheProfile()
    {
        var id = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), Actor);
        await Groups.AddMembersAsync(id, [Hugo, Paul], Actor);
        var cut = RenderGroup(id);
        Assert.Empty(cut.FindAll("[data-testid=why]"));

        cut.FindAll("[data-testid=member-row]").Single(r => r.TextContent.Contains("Paul", StringComparison.Ordinal)).QuerySelector("[data-testid=remove-member]")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(["Hugo Bernard"], Members(cut)));
        Assert.Equal("Paul", (await Customers.GetAsync(Paul)).FirstName);
    }

    [Fact]
    public async Task UpdateNow_OfAPausedGroup_SaysWhoEnteredAndLeft()
    {
        var id = await LyonGroupAsync();
        await Groups.SetPausedAsync(id, true, Actor);
        await Customers.CreateAsync(new CustomerInput { FirstName = "Léa", LastName = "Roux", City = "Lyon" });
        var hugo = await Customers.GetAsync(Hugo);
        var moved = hugo.ToInput();
        moved.City = "Nice";
        await Customers.UpdateAsync(Hugo, moved, hugo.Version);
        await Services.GetService<GroupEngine>()!.WhenIdleAsync();
        var cut = RenderGroup(id);
        Assert.Equal("Paused", cut.Find("[data-testid=group-status]").GetAttribute("data-status"));
        Assert.Equal(["Hugo Bernard", "Zoé Martin"], Members(cut));

        cut.Find("[data-testid=update-now]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Updated: +1 entered, −1 left.", Text(cut, "update-result")));
        cut.WaitForAssertion(() => Assert.Equal(["Zoé Martin", "Léa Roux"], Members(cut)), TimeSpan.FromSeconds(10));
        Assert.EndsWith("Resume", cut.Find("[data-testid=pause-group]").TextContent.Trim(), StringComparison.Ordinal); // still paused: "update now" does not resume
    }

    [Fact]
    public async Task Delete_AsksFirst_SayingProfilesStay_AndKeepItKeepsTheGroup()
    {
        var id = await LyonGroupAsync();
        var dialogs = Render<RadzenDialog>();
        var cut = RenderGroup(id);

        cut.Find("[data-testid=delete-group]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("profiles in it are not deleted", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Contains("Keep it", StringComparison.Ordinal)).Click();
        Assert.Equal("Lyon", (await Groups.GetAsync(id)).Name);

        cut.Find("[data-testid=delete-group]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Contains("Delete group", StringComparison.Ordinal)).Click());

        cut.WaitForAssertion(() => Assert.EndsWith("/groups", Navigation.Uri, StringComparison.Ordinal));
        await Assert.ThrowsAsync<NotFoundException>(() => Groups.GetAsync(id));
        Assert.Equal("Hugo", (await Customers.GetAsync(Hugo)).FirstName);
    }

    [Fact]
    public async Task Delete_OfAGroupAnotherRuleUses_SaysWhich_AndKeepsIt()
    {
        var lyon = await LyonGroupAsync();
        var inLyon = FilterNode.Condition(FilterFields.Groups, FilterOperator.HasAny, lyon.ToString(CultureInfo.InvariantCulture));
        await Groups.CreateAsync(new GroupInput("Lyon subscribers", null, GroupKind.Automated, new FilterDefinition { Root = FilterNode.All(inLyon) }), Actor);
        var dialogs = Render<RadzenDialog>();
        var cut = RenderGroup(lyon);

        cut.Find("[data-testid=delete-group]").Click();
        dialogs.WaitForAssertion(() => dialogs.FindAll("button").Single(b => b.TextContent.Contains("Delete group", StringComparison.Ordinal)).Click());

        cut.WaitForAssertion(() => Assert.Contains("“Lyon subscribers”", Text(cut, "action-error"), StringComparison.Ordinal));
        Assert.Equal("Lyon", (await Groups.GetAsync(lyon)).Name);
        Assert.Equal(["Hugo Bernard", "Zoé Martin"], Members(cut));
    }

    [Fact]
    public async Task Details_OfADeletedGroup_SayNotFound()
    {
        var id = await LyonGroupAsync();
        await Groups.DeleteAsync(id);

        var cut = Render<GroupPage>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() => Assert.Contains("does not exist", Text(cut, "not-found"), StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=member-grid]"));
    }

    [Fact]
    public async Task History_ListsWhoEnteredAndLeft_WithCauseAndActor()
    {
        var id = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), Actor);
        await Groups.AddMembersAsync(id, [Hugo], Actor);
        await Groups.RemoveMembersAsync(id, [Hugo], "Sam");
        await Groups.AddMembersAsync(id, [Zoe], Actor);
        var cut = Render<GroupPage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.Equal(["Zoé Martin"], Members(cut)));

        cut.Find("[data-testid=tab-history]").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=history-row]").Count));
        var hugo = cut.FindAll("[data-testid=history-row]").Single(r => r.TextContent.Contains("Hugo Bernard", StringComparison.Ordinal));
        Assert.Contains("Added by hand · by Claire", hugo.QuerySelector("[data-testid=history-entered]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Removed by hand · by Sam", hugo.QuerySelector("[data-testid=history-left]")!.TextContent, StringComparison.Ordinal);
    }
}
