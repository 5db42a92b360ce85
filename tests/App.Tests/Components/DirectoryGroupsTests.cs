using System.Security.Claims;
using Bunit;
using CustomerDirectory.App.Account;
using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Groups;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Radzen.Blazor;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>The directory's group actions: "Save as group", "Add to group…" for the selection and "Add all N to group…".</summary>
public sealed class DirectoryGroupsTests : DirectoryPageTest
{
    public DirectoryGroupsTests()
    {
        Auth.SetAuthorized("claire@example.com");
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, "me"), new Claim(StaffClaimsPrincipalFactory.DisplayNameClaim, "Claire"));
    }

    private GroupService Groups => Services.GetRequiredService<GroupService>();

    /// <summary>The directory with a dialog host beside it, as MainLayout has.</summary>
    private (IRenderedComponent<IComponent> Host, IRenderedComponent<CustomerList> List) RenderWithDialogs(string? query = null)
    {
        if (query is not null)
        {
            Navigation.NavigateTo($"customers?{query}");
        }

        var host = Render(b =>
        {
            b.OpenComponent<RadzenDialog>(0);
            b.CloseComponent();
            b.OpenComponent<CustomerList>(1);
            b.CloseComponent();
        });
        var list = host.FindComponent<CustomerList>();
        list.WaitForAssertion(() => Assert.NotEmpty(Count(list)));
        return (host, list);
    }

    private async Task<IReadOnlyList<string>> MembersAsync(int groupId) =>
        [.. (await Groups.MembersAsync(groupId, new GroupMemberQuery())).Rows.Select(r => $"{r.FirstName} {r.LastName}")];

    private static void Tick(IRenderedComponent<CustomerList> list, string name) =>
        list.Find($"[data-testid=select-row][aria-label='Select {name}']").Change(true);

    [Fact]
    public async Task AddToGroup_AddsTheSelectedPeople_AndSaysWhoWasAlreadyIn()
    {
        var vips = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "test");
        var zoe = (await Customers.SearchAsync(new() { Text = "zoé" })).Rows.Single().Id;
        await Groups.AddMembersAsync(vips, [zoe], "test");
        var (host, list) = RenderWithDialogs();

        Tick(list, "Hugo Bernard");
        Tick(list, "Zoé Martin");
        Assert.Equal("2 selected", list.Find("[data-testid=selected-count]").TextContent);
        list.Find("[data-testid=add-selection-to-group]").Click();
        host.WaitForElement("[data-testid=group-choice]").Change(vips.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Add the 2 people selected to “VIPs”?", host.Find("[data-testid=add-question]").TextContent);
        host.Find("[data-testid=add-to-group-confirm]").Click();

        list.WaitForAssertion(() => Assert.Equal("1 added to VIPs (1 was already in it)", list.Find("[data-testid=group-added]").TextContent));
        Assert.Equal(["Hugo Bernard", "Zoé Martin"], await MembersAsync(vips));
        Assert.Empty(list.FindAll("[data-testid=selection]")); // the selection is done with
        Assert.Empty(host.FindAll("[data-testid=add-to-group-dialog]"));
        var entry = Assert.Single(await Groups.HistoryAsync(vips, (await Customers.SearchAsync(new() { Text = "hugo" })).Rows.Single().Id));
        Assert.Equal("Claire", entry.EnteredBy);
    }

    [Fact]
    public async Task AddToGroup_CanCreateTheGroupByName()
    {
        var (host, list) = RenderWithDialogs();

        Tick(list, "Paul Bernard");
        list.Find("[data-testid=add-selection-to-group]").Click();
        host.WaitForElement("[data-testid=group-choice]").Change("new");
        host.Find("[data-testid=new-group-name]").Input("  Newsletter winners ");
        host.Find("[data-testid=add-to-group-confirm]").Click();

        list.WaitForAssertion(() => Assert.Equal("1 added to Newsletter winners", list.Find("[data-testid=group-added]").TextContent));
        var group = Assert.Single(await Groups.ManualGroupsAsync());
        Assert.Equal("Newsletter winners", group.Name);
        Assert.Equal(["Paul Bernard"], await MembersAsync(group.Id));
    }

    [Fact]
    public async Task AddToGroup_WithNoGroupChosen_OrABlankName_SaysWhy_AndChangesNothing()
    {
        var vips = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "test");
        var (host, list) = RenderWithDialogs();
        Tick(list, "Hugo Bernard");
        list.Find("[data-testid=add-selection-to-group]").Click();

        host.WaitForElement("[data-testid=add-to-group-confirm]").Click();
        host.WaitForAssertion(() => Assert.Equal("Choose a group, or “New group…” to create one.", host.Find("[data-testid=add-to-group-error]").TextContent));

        host.Find("[data-testid=group-choice]").Change("new");
        host.Find("[data-testid=new-group-name]").Input("   ");
        host.Find("[data-testid=add-to-group-confirm]").Click();
        host.WaitForAssertion(() => Assert.Equal("Name the new group.", host.Find("[data-testid=add-to-group-error]").TextContent));

        Assert.Single(await Groups.ManualGroupsAsync());
        Assert.Empty(await MembersAsync(vips));
        Assert.Equal("1 selected", list.Find("[data-testid=selected-count]").TextContent); // still open, still selected

        host.Find("[data-testid=add-to-group-cancel]").Click();
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=add-to-group-dialog]")));
        Assert.Empty(list.FindAll("[data-testid=group-added]"));
    }

    [Fact]
    public async Task AddToGroup_ATakenName_ShowsTheDomainsMessage()
    {
        await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "test");
        var (host, list) = RenderWithDialogs();
        Tick(list, "Hugo Bernard");
        list.Find("[data-testid=add-selection-to-group]").Click();

        host.WaitForElement("[data-testid=group-choice]").Change("new");
        host.Find("[data-testid=new-group-name]").Input("vips");
        host.Find("[data-testid=add-to-group-confirm]").Click();

        host.WaitForAssertion(() => Assert.Equal("A group called “vips” already exists.", host.Find("[data-testid=add-to-group-error]").TextContent));
        Assert.Equal(0, Assert.Single(await Groups.ManualGroupsAsync()).Members);
    }

    [Fact]
    public async Task AddAll_AddsEveryoneTheFilterAndSearchFind_WithTheCountInTheQuestion()
    {
        var vips = await Groups.CreateAsync(new GroupInput("VIPs", null, GroupKind.Manual), "test");
        var (host, list) = RenderWithDialogs($"q=bernard&f={Token(FilterNode.Condition(FilterFields.City, FilterOperator.IsNotEmpty))}");
        list.WaitForAssertion(() => Assert.Equal(["Hugo Bernard", "Paul Bernard"], Names(list)));

        var addAll = list.Find("[data-testid=add-all-to-group]");
        Assert.Contains("Add all 2 to group…", addAll.TextContent, StringComparison.Ordinal);
        addAll.Click();
        host.WaitForElement("[data-testid=group-choice]").Change(vips.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Add all 2 people to “VIPs”?", host.Find("[data-testid=add-question]").TextContent);
        host.Find("[data-testid=add-to-group-confirm]").Click();

        list.WaitForAssertion(() => Assert.Equal("2 added to VIPs", list.Find("[data-testid=group-added]").TextContent));
        Assert.Equal(["Hugo Bernard", "Paul Bernard"], await MembersAsync(vips));
    }

    [Fact]
    public void SaveAsGroup_IsDisabledWithoutAFilter()
    {
        var (_, list) = RenderWithDialogs();

        Assert.True(list.Find("[data-testid=save-as-group]").HasAttribute("disabled"));
    }

    [Fact]
    public void SaveAsGroup_OpensANewAutomatedGroupWithTheFilterOnScreen()
    {
        var token = Token(FilterNode.Condition(FilterFields.City, FilterOperator.Is, "Paris"));
        var (_, list) = RenderWithDialogs($"f={token}");
        list.WaitForAssertion(() => Assert.Equal(["Paul Bernard"], Names(list)));

        list.Find("[data-testid=save-as-group]").Click();

        var address = new Uri(Navigation.Uri);
        Assert.Equal("/groups/new", address.AbsolutePath);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(address.Query);
        Assert.Equal("Automated", query["kind"].ToString());
        Assert.Equal(FilterDefinition.FromUrlToken(token).ToJson(), FilterDefinition.FromUrlToken(query["f"].ToString()).ToJson());
    }
}
