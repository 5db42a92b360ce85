using Bunit;
using Bunit.TestDoubles;
using CustomerDirectory.App.Components.Account;
using CustomerDirectory.App.Components.Layout;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Staff;

/// <summary>The sidebar follows the signed-in person's permissions live, and a deactivated person's session ends.</summary>
public sealed class MainLayoutTests : StaffPageTest
{
    public MainLayoutTests() => SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // the layout marks the live circuit

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "the page"))));

    private static List<string> Menu(IRenderedComponent<MainLayout> layout) =>
        [.. layout.FindAll("[data-testid^=nav-]").Select(e => e.GetAttribute("data-testid")!)];

    [Fact]
    public async Task Sidebar_ShowsWhatTheRoleAllows_AndFollowsARoleChange_WithoutReload()
    {
        var fran = await AddStaffAsync("Fran Desk", "fran@example.com", StaffRoles.FrontDesk);
        SignInAs(fran, "fran@example.com");
        var layout = RenderLayout();
        layout.WaitForAssertion(() => Assert.Equal(["nav-customers", "nav-groups", "nav-settings"], Menu(layout)));

        await Staff.ChangeRoleAsync(fran.Id, await RoleIdAsync(StaffRoles.Marketer)); // the owner, elsewhere

        layout.WaitForAssertion(() => Assert.Equal(
            ["nav-customers", "nav-groups", "nav-marketing", "nav-audiences", "nav-automations", "nav-insights", "nav-tags", "nav-settings"],
            Menu(layout)));

        await Roles.SetPermissionAsync(await RoleIdAsync(StaffRoles.Marketer), Permission.ViewProfiles, granted: false);

        layout.WaitForAssertion(() => Assert.Equal(
            ["nav-marketing", "nav-audiences", "nav-automations", "nav-insights", "nav-tags", "nav-settings"], Menu(layout)));
    }

    [Fact]
    public async Task Deactivation_EndsTheSession_AtOnce()
    {
        var fran = await AddStaffAsync("Fran Desk", "fran@example.com", StaffRoles.FrontDesk);
        SignInAs(fran, "fran@example.com");
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        var layout = RenderLayout();
        layout.WaitForAssertion(() => Assert.Contains("nav-customers", Menu(layout)));

        await Staff.DeactivateAsync(fran.Id);

        layout.WaitForAssertion(() => Assert.EndsWith(SessionEnded.Path, navigation.Uri, StringComparison.Ordinal));
        Assert.Equal(["nav-settings"], Menu(layout));
    }

    [Theory]
    [InlineData("customers", "nav-customers")]
    [InlineData("customers/42?tab=activity", "nav-customers")]
    [InlineData("customers/import", "nav-import")]
    [InlineData("marketing/audiences/new", "nav-audiences")]
    [InlineData("settings/tags", "nav-tags")]
    [InlineData("settings/staff", "nav-settings")]
    public void Sidebar_MarksTheMostSpecificSection_AsTheCurrentPage(string address, string current)
    {
        SignInAs(Owner, "owner@example.com");
        Services.GetRequiredService<BunitNavigationManager>().NavigateTo(address);
        var layout = RenderLayout();

        layout.WaitForAssertion(() => Assert.Equal([current],
            layout.FindAll("[data-testid^=nav-]:has(> div > a[aria-current=page])").Select(e => e.GetAttribute("data-testid")!)));
    }

    [Fact]
    public void APageThatFails_SaysWhy_AndTheSidebarStays()
    {
        SignInAs(Owner, "owner@example.com");

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b =>
        {
            b.OpenComponent<FailingPage>(0);
            b.CloseComponent();
        })));

        layout.WaitForAssertion(() => Assert.Contains("You may not do that.", layout.Find("[data-testid=page-error]").TextContent, StringComparison.Ordinal));
        Assert.NotEmpty(Menu(layout));
    }

    /// <summary>A page whose first render fails, as one whose service refuses the person would.</summary>
    private sealed class FailingPage : ComponentBase
    {
        protected override void OnInitialized() => throw new CustomerDirectory.Domain.ForbiddenException("You may not do that.");
    }
}

