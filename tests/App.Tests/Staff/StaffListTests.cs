using Bunit;
using CustomerDirectory.App.Components.Staff;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Radzen.Blazor;

namespace CustomerDirectory.App.Tests.Staff;

/// <summary>Settings → Staff, as the owner unless a test says otherwise.</summary>
public sealed class StaffListTests : StaffPageTest
{
    /// <summary>The page with a dialog host beside it, as MainLayout has.</summary>
    private IRenderedComponent<IComponent> RenderPage()
    {
        var host = Render(b =>
        {
            b.OpenComponent<RadzenDialog>(0);
            b.CloseComponent();
            b.OpenComponent<StaffList>(1);
            b.CloseComponent();
        });
        return host;
    }

    private static string RowSelector(string email) => $"tr[data-staff='{email}']";

    [Fact]
    public async Task AddStaff_WithAGeneratedPassword_ListsThem_AndShowsThePasswordOnce()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        var marketer = await RoleIdAsync(StaffRoles.Marketer);
        var host = RenderPage();
        host.WaitForElement(RowSelector("owner@example.com"));

        host.Find("[data-testid=add-staff]").Click();
        host.WaitForElement("input[name=StaffName]").Change("Marc Marketer");
        host.Find("input[name=StaffEmail]").Change("marc@example.com");
        host.Find("[data-testid=new-staff-role]").Change(marketer);
        host.Find("[data-testid=save-staff]").Click();

        var password = host.WaitForElement("[data-testid=new-password]").GetAttribute("value");
        Assert.Matches("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", password);
        Assert.Contains("Marc Marketer signs in with marc@example.com", host.Find("[data-testid=password-dialog]").TextContent, StringComparison.Ordinal);
        var marc = (await Staff.ListAsync()).Single(s => s.Email == "marc@example.com");
        Assert.Equal((StaffRoles.Marketer, true), (marc.Role, marc.Active));
        host.WaitForAssertion(() => Assert.Equal(marketer, host.Find($"{RowSelector("marc@example.com")} [data-testid=role-select] option[selected]").GetAttribute("value")));
    }

    [Fact]
    public async Task TheList_SortsByAColumn_ThenTheOtherWay_AndEachRowStaysItsPerson()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        await AddStaffAsync("Zed Counter", "a-zed@example.com", StaffRoles.Marketer);
        await AddStaffAsync("Ann Counter", "z-ann@example.com", StaffRoles.Marketer);
        var host = RenderPage();
        host.WaitForElement(RowSelector("z-ann@example.com"));
        string[] Emails() => [.. host.FindAll("tr[data-staff]").Select(r => r.GetAttribute("data-staff")!)];
        Assert.Equal(["z-ann@example.com", "owner@example.com", "a-zed@example.com"], Emails()); // by name, as listed

        host.FindAll("th").Single(th => th.TextContent.Trim() == "Email").QuerySelector("button")!.Click();
        Assert.Equal(["a-zed@example.com", "owner@example.com", "z-ann@example.com"], Emails());

        host.FindAll("th").Single(th => th.TextContent.Trim() == "Email").QuerySelector("button")!.Click();
        Assert.Equal(["z-ann@example.com", "owner@example.com", "a-zed@example.com"], Emails());
        Assert.Equal("descending", host.FindAll("th").Single(th => th.TextContent.Trim() == "Email").GetAttribute("aria-sort"));
        Assert.Equal("Name of Zed Counter", host.Find($"{RowSelector("a-zed@example.com")} input[name^=StaffName-]").GetAttribute("aria-label"));
    }

    [Fact]
    public async Task AddStaff_WithABadEmail_SaysSoBesideTheField_AndAddsNobody()
    {
        SignInAs(Owner, "owner@example.com");
        var host = RenderPage();
        host.WaitForElement(RowSelector("owner@example.com"));

        host.Find("[data-testid=add-staff]").Click();
        host.WaitForElement("input[name=StaffName]").Change("Marc");
        host.Find("input[name=StaffEmail]").Change("marc at example");
        host.Find("[data-testid=save-staff]").Click();

        host.WaitForAssertion(() => Assert.Equal("Enter an email address like name@example.com.", host.Find("[data-testid=error-email]").TextContent));
        Assert.Single(await Staff.ListAsync());
    }

    [Fact]
    public async Task ChangeRole_ChangesWhatTheyMayDo_AtOnce()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        var fran = await AddStaffAsync("Fran Desk", "fran@example.com", StaffRoles.FrontDesk);
        var readOnly = await RoleIdAsync(StaffRoles.ReadOnly);
        var host = RenderPage();

        host.WaitForElement($"{RowSelector("fran@example.com")} [data-testid=role-select]").Change(readOnly);

        host.WaitForAssertion(() => Assert.Equal(readOnly, host.Find($"{RowSelector("fran@example.com")} [data-testid=role-select] option[selected]").GetAttribute("value")));
        Assert.Equal(new HashSet<Permission> { Permission.ViewProfiles }, await Access.PermissionsOfAsync(fran));
    }

    [Fact]
    public async Task DemotingTheLastOwner_IsRefused_WithTheReason_AndTheRoleStays()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        var manager = await RoleIdAsync(StaffRoles.Manager);
        var owner = await RoleIdAsync(StaffRoles.Owner);
        var host = RenderPage();

        host.WaitForElement($"{RowSelector("owner@example.com")} [data-testid=role-select]").Change(manager);

        host.WaitForAssertion(() => Assert.Contains("Olivia Owner is the only active owner. Make someone else an owner first.",
            host.Find("[data-testid=staff-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal(owner, host.Find($"{RowSelector("owner@example.com")} [data-testid=role-select] option[selected]").GetAttribute("value"));
        Assert.Equal(StaffRoles.Owner, (await Access.GrantOfAsync(Owner.Id))!.Role);
        Assert.Empty(host.FindAll($"{RowSelector("owner@example.com")} [data-testid=deactivate]")); // nobody deactivates themselves
    }

    [Fact]
    public async Task Deactivate_AfterConfirming_ShowsThemDeactivated()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        var fran = await AddStaffAsync("Fran Desk", "fran@example.com", StaffRoles.FrontDesk);
        var host = RenderPage();

        host.WaitForElement($"{RowSelector("fran@example.com")} [data-testid=deactivate]").Click();
        host.WaitForElement(".rz-dialog-confirm-buttons").QuerySelectorAll("button").Single(b => b.TextContent.Contains("Deactivate", StringComparison.Ordinal)).Click();

        host.WaitForAssertion(() => Assert.Equal("Deactivated", host.Find($"{RowSelector("fran@example.com")} [data-testid=staff-status]").TextContent.Trim()));
        Assert.False((await Access.GrantOfAsync(fran.Id))!.Active);
    }

    [Fact]
    public async Task ResetPassword_AfterConfirming_ShowsTheNewPasswordInTheSameDialog_AndOnlyItWorks()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        var fran = await AddStaffAsync("Fran Desk", "fran@example.com", StaffRoles.FrontDesk);
        var host = RenderPage();

        host.WaitForElement($"{RowSelector("fran@example.com")} [data-testid=reset-password]").Click();
        host.WaitForElement("[data-testid=reset-confirm]").Click();

        var password = host.WaitForElement("[data-testid=new-password]").GetAttribute("value")!;
        Assert.Contains("Fran Desk's new password (they sign in with fran@example.com)", host.Find("[data-testid=password-dialog]").TextContent, StringComparison.Ordinal);
        var users = Services.GetRequiredService<UserManager<StaffUser>>();
        var user = (await users.FindByIdAsync(fran.Id))!;
        Assert.True(await users.CheckPasswordAsync(user, password));
        Assert.False(await users.CheckPasswordAsync(user, Password));
        host.Find("[data-testid=password-done]").Click();
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=password-dialog]")));
    }

    [Fact]
    public async Task WithoutManageStaff_SaysThereIsNoAccess_AndShowsNobody()
    {
        var manager = await AddStaffAsync("Mia Manager", "mia@example.com", StaffRoles.Manager);
        SignInAs(manager, "mia@example.com");

        var host = RenderPage();

        host.WaitForElement("[data-testid=staff-no-access]");
        Assert.Empty(host.FindAll("tr[data-staff]"));
    }

    [Fact]
    public async Task LosingManageStaff_WhileOnThePage_ClosesIt_Live()
    {
        var adminRole = await Roles.CreateAsync("Staff admin", [Permission.ManageStaff]);
        var ada = await AddStaffAsync("Ada Admin", "ada@example.com", "Staff admin");
        SignInAs(ada, "ada@example.com");
        var host = RenderPage();
        host.WaitForElement(RowSelector("ada@example.com"));

        await Roles.SetPermissionAsync(adminRole, Permission.ManageStaff, granted: false); // the owner, elsewhere

        host.WaitForElement("[data-testid=staff-no-access]");
    }

    [Fact]
    public async Task RolesTab_ATick_GrantsThePermission_AndDeletingARoleInUse_SaysWhy()
    {
        SignInAs(Owner, "owner@example.com");
        using var _ = StaffAccess.As(Owner);
        var fran = await AddStaffAsync("Fran Desk", "fran@example.com", StaffRoles.FrontDesk);
        var frontDesk = await RoleIdAsync(StaffRoles.FrontDesk);
        var ownerRole = await RoleIdAsync(StaffRoles.Owner);
        var host = RenderPage();
        host.WaitForElement("[data-testid=tab-roles]").Click();
        host.WaitForElement("[data-testid=role][data-role='Front desk']");
        var ownerTicks = host.FindComponents<RadzenCheckBox<bool>>().Where(c => c.Instance.Name!.StartsWith(ownerRole, StringComparison.Ordinal)).ToList();
        Assert.Equal(Permissions.All.Count, ownerTicks.Count);
        Assert.All(ownerTicks, c => Assert.True(c.Instance.Disabled && c.Instance.Value));

        var export = host.FindComponents<RadzenCheckBox<bool>>().Single(c => c.Instance.Name == $"{frontDesk}-{Permission.Export}");
        Assert.False(export.Instance.Value);
        await host.InvokeAsync(() => export.Instance.Change.InvokeAsync(true));
        host.Find("[data-testid=role][data-role='Front desk'] [data-testid=delete-role]").Click();

        host.WaitForAssertion(() => Assert.Equal("1 person has the role Front desk. Give them another role first.",
            host.Find("[data-testid=role][data-role='Front desk'] [data-testid=role-error]").TextContent));
        Assert.Contains(Permission.Export, await Access.PermissionsOfAsync(fran));
        Assert.True(host.FindComponents<RadzenCheckBox<bool>>().Single(c => c.Instance.Name == $"{frontDesk}-{Permission.Export}").Instance.Value);
    }

    [Fact]
    public void PermissionGroups_HoldEveryPermissionOnce()
    {
        var grouped = PermissionGroups.All.SelectMany(g => g.Permissions).ToList();

        Assert.Equal(Permissions.All.Order(), grouped.Order());
    }
}
