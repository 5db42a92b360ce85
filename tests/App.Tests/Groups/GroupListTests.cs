using AngleSharp.Dom;
using Bunit;
using CustomerDirectory.App.Components.Groups;
using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Groups;

namespace CustomerDirectory.App.Tests.Groups;

/// <summary>The groups page: every group with its kind, count, status and rule, following changes live.</summary>
public sealed class GroupListTests : GroupPageTest
{
    private static IElement Row(IRenderedComponent<GroupList> cut, string name) =>
        cut.FindAll("[data-testid=group-row]").Single(r => r.QuerySelector("[data-testid=group-link]")!.TextContent == name);

    private static string Cell(IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    [Fact]
    public async Task GroupList_ShowsEachGroupsKindCountStatusAndRule()
    {
        var lyon = await LyonGroupAsync();
        var vips = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), Actor);
        await Groups.AddMembersAsync(vips, [Paul], Actor);
        var paris = await Groups.CreateAsync(new GroupInput("Paris", null, GroupKind.Automated, CityIs("Paris")), Actor);
        await Groups.SetPausedAsync(paris, true, Actor);

        var cut = Render<GroupList>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=group-row]").Count));
        var row = Row(cut, "Lyon");
        Assert.Equal(("Automated", "2", "City is \"Lyon\""), (Cell(row, "group-kind"), Cell(row, "group-members"), Cell(row, "group-rule")));
        Assert.Equal("UpToDate", row.QuerySelector("[data-testid=group-status]")!.GetAttribute("data-status"));
        Assert.Contains("Up to date", Cell(row, "group-status"), StringComparison.Ordinal);
        Assert.Equal($"groups/{lyon}", row.QuerySelector("[data-testid=group-link]")!.GetAttribute("href"));
        row = Row(cut, "VIPs");
        Assert.Equal(("Manual", "1", "—"), (Cell(row, "group-kind"), Cell(row, "group-members"), Cell(row, "group-rule")));
        Assert.Equal("Manual", row.QuerySelector("[data-testid=group-status]")!.GetAttribute("data-status"));
        Assert.Equal("Paused", Row(cut, "Paris").QuerySelector("[data-testid=group-status]")!.GetAttribute("data-status"));
        Assert.Empty(cut.FindAll("[data-testid=predefined]"));
    }

    [Fact]
    public async Task GroupList_MarksPredefinedGroups()
    {
        await Groups.EnsurePredefinedAsync();

        var cut = Render<GroupList>();

        cut.WaitForAssertion(() => Assert.Contains("Regulars", cut.FindAll("[data-testid=group-link]").Select(a => a.TextContent)));
        Assert.NotNull(Row(cut, "Regulars").QuerySelector("[data-testid=predefined]"));
    }

    [Fact]
    public async Task GroupList_FollowsNewMembersAndNewGroups_WithoutReload()
    {
        await LyonGroupAsync();
        var cut = Render<GroupList>();
        cut.WaitForAssertion(() => Assert.Equal("2", Cell(Row(cut, "Lyon"), "group-members")));

        await Customers.CreateAsync(new CustomerInput { FirstName = "Léa", LastName = "Roux", City = "Lyon" });
        await Groups.CreateAsync(new GroupInput("Newcomers", null, GroupKind.Manual), Actor);

        cut.WaitForAssertion(() => Assert.Equal("3", Cell(Row(cut, "Lyon"), "group-members")), TimeSpan.FromSeconds(10));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=group-row]").Count), TimeSpan.FromSeconds(10));
    }
}
