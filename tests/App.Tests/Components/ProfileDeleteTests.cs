using Bunit;
using Bunit.TestDoubles;
using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain;
using CustomerDirectory.Domain.Staff;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Radzen.Blazor;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>Deleting a profile from its page.</summary>
public sealed class ProfileDeleteTests : ComponentTestContext
{
    /// <summary>The profile page with a dialog host beside it, as MainLayout has.</summary>
    private IRenderedComponent<IComponent> RenderProfile(int id) => Render(b =>
    {
        b.OpenComponent<RadzenDialog>(0);
        b.CloseComponent();
        b.OpenComponent<CustomerProfile>(1);
        b.AddAttribute(2, nameof(CustomerProfile.Id), (int?)id);
        b.CloseComponent();
    });

    [Fact]
    public async Task Delete_AfterConfirming_RemovesTheProfile_AndGoesBackToTheList()
    {
        var hugo = await AddCustomerAsync("Hugo", "Bernard");
        var host = RenderProfile(hugo);

        host.WaitForElement("[data-testid=delete-profile]").Click();
        var dialog = host.WaitForElement(".rz-dialog-confirm");
        Assert.Contains("Delete Hugo Bernard?", dialog.TextContent, StringComparison.Ordinal);
        dialog.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        host.WaitForAssertion(() => Assert.EndsWith("/customers", Services.GetRequiredService<BunitNavigationManager>().Uri, StringComparison.Ordinal));
        await Assert.ThrowsAsync<NotFoundException>(() => Customers.GetAsync(hugo));
    }

    [Fact]
    public async Task Delete_WhenKept_ChangesNothing()
    {
        var hugo = await AddCustomerAsync("Hugo", "Bernard");
        var host = RenderProfile(hugo);

        host.WaitForElement("[data-testid=delete-profile]").Click();
        host.WaitForElement(".rz-dialog-confirm").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Keep it").Click();

        host.WaitForAssertion(() => Assert.Empty(host.FindAll(".rz-dialog-confirm")));
        Assert.Equal("Hugo", (await Customers.GetAsync(hugo)).FirstName);
    }

    [Fact]
    public async Task WithoutThePermission_ThereIsNoDeleteButton()
    {
        var hugo = await AddCustomerAsync("Hugo", "Bernard");
        var (clerk, _) = await StaffAsync("Viewer", Permission.ViewProfiles);
        using var _ = StaffAccess.As(clerk);

        var host = RenderProfile(hugo);

        host.WaitForElement("input[name=FirstName]");
        Assert.Empty(host.FindAll("[data-testid=delete-profile]"));
        await Assert.ThrowsAsync<ForbiddenException>(() => Customers.DeleteAsync(hugo)); // and the server says no
    }
}
